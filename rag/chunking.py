"""Chinese-aware chunking of long replies (the only LangChain text-splitter user)."""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

# Paragraphs, numbered items, then sentence ends: a chunk never cuts a sentence in two.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]


def chunk_text(text: str, *, size: int = 300, overlap: int = 40) -> list[str]:
    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS, chunk_size=size, chunk_overlap=overlap, keep_separator="end"
    )
    return [c.strip() for c in splitter.split_text(text) if c.strip()]
