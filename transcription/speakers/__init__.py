"""Speaker labels: who said what (diarization), and naming the voices.

``model`` holds the embedding model (CAM++ via onnxruntime, no PyTorch); ``diarize`` turns a
recording into speaker turns; ``labels`` puts them on a transcript; ``naming`` names them from
the chair's cues, enrolled ``voices`` and a names file.
"""
