"""The rule-based drafter: offline, deterministic minutes from a transcript.

Recognised speech has no speaker names, so the drafter works out who is talking from how
things are said: the chair hands the floor over ("請都發局報告"), agencies report in their own
voice ("本局已經…", "報告主席"), councillors demand ("我要求…", "本席"), and the chair (or the
mayor answering a councillor) instructs ("請都發局兩週內提出…", "環保局這邊，本週內要…",
"交由研考會列管"). A directive is a clause in the chair's voice that names an agency, tells it
to act, and carries on over the clauses that follow until another instruction starts; its
deadline is the one said with it, resolved on the working-day calendar.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from inquiries import Agency, AgencyRegistry, WorkCalendar, default_agencies
from transcription.glossary import default_glossary
from transcription.minutes.schema import (
    Directive,
    DiscussionItem,
    DraftRecord,
    FollowUp,
    MeetingHeader,
    Minutes,
    Question,
    ReportItem,
    Span,
)
from transcription.minutes.when import (
    SpokenDeadline,
    after_deadline,
    deadline_at_start,
    deadline_in,
    deadline_then,
    find_deadline,
    heard_as_spoken,
)
from transcription.schema import Segment, Transcript
from transcription.script import ScriptConverter
from yishi import clock
from yishi.errors import InputError


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Verbs of action: the predicate that makes "請/由 <agency> …" an instruction, not a courtesy.
ACTION_VERBS = _words(
    """
    提出 提供 檢討 研議 研擬 研處 辦理 完成 回報 報告 協助 配合 評估 規劃 加強 處理 送 追蹤 列管 改善
    督導 盤點 整理 清查 彙整 統計 修正 擬定 訂定 召開 聯繫 溝通 確認 落實 持續 啟動 推動 執行 協調 整合
    準備 派員 派人 查明 釐清 宣導 發布 公告 建置 檢查 巡查 清除 調整 增加 爭取 編列 納入 研究 分析 排除
    開設 備妥 預置 支援 動員 通知 掌握 因應 注意 把關 了解 處置 答復 回覆 提報 簽報 製作 更新 補充 規範
    輔導 協處 試辦 擴大 再找 去找 優化 清點 控管 訂出 列出 撰擬 送交 函送 研提 整備 疏散 搶修 搶通 安置 複查 抽驗
    稽查 清運 推播 建立 找出 加開 補裝 試算 開會 會勘 測試 演練 關懷 訪視 發文 提醒 比對 查核 列表
    說清楚 做 補 修 查 清 盯 催 發 傳 報 寄 開 貼 拆 換 裝 派 跑 訪 告知 統一 公布 上網 放上 整修
    汰換 招募 媒合 排程 聘 擬 列冊 邀集 整平 合作 補足 試運轉 上傳 開罰 開單 取締 認養 改建 拓寬
    增設 設置 移除 撤除 回收 採購 發包 招標 撥款 補助 核定 審查 驗收 協商 座談 訓練 演習 宣講
    辦 舉辦 籌辦 召集 瞭解 設計 更新 公開 抽查 商量 搭配 想辦法 定案 補強 銷毀 函發 巡 走 談 講 追 改 排
    提個 提一個 提一份 調度 調派 提案 徵才 甄選 預審 清掃 加掃 掃街 開放 找時間
    看有沒有 看能不能 看是不是 看看 上線 下架
    寫進 寫好 放進 挑 拍 印 敲定 函頒 列一張 列一份
    """
)
# Verbs a chair uses bare, without 要/請: "警察局針對路口違規加強執法".
# Who leads, said of the agency told: "由體育局牽頭", "消防局這邊來負責", "青年局帶頭".
LEADS = re.compile(
    r"^(?:這邊|那邊)?(?:自己)?(?:來|就)?(?:負責|主責|專責|主政|主辦|統籌|牽頭|帶頭|辦理|主稿|為主|主導|(?:當|擔任|做|作為)(?:單一)?窗口)"
)
# The head of an agency, named by its title right after the agency: "工務局長", "新工處長".
HEAD_TITLE = re.compile(
    r"(?<=[局處隊])長(?![期照時途遠大久])|副?(?:主委|主任委員|執行長|董事長|總經理|總?院長|主任)(?!委)"
)
# The chair turning to a head of agency by title: "局長，你們回去…", "處長，馬達的料…",
# "王局長，". The agency is the one that had the floor, if the words say which.
_TITLES = r"副?局長|副?處長|主委|主秘|主任秘書|執行長|主任|大?隊長|區長|館長|總經理|董事長|院長"
TITLE_ADDRESS = re.compile(rf"^(?:好|對|嗯|那|所以)?，?[\u4e00-\u9fff]?(?P<title>{_TITLES})$")
TITLE_NEAR_START = re.compile(rf"^.{{0,4}}(?:{_TITLES})")  # where TITLE_ADDRESS can match
TITLE_OPENING = re.compile(rf"^(?:好|對|嗯|那|所以)?，?[\u4e00-\u9fff]?(?:{_TITLES})，")
TITLE_KINDS = {
    "局長": ("局",),
    "處長": ("處",),
    "主委": ("會",),
    "區長": ("區公所",),
    "隊長": ("隊",),
    "主任": ("中心", "室", "所"),
    "總經理": ("公司",),
    "董事長": ("公司",),
    "院長": ("院",),
    "館長": ("館",),
}
# The next speaker's opening, run on after the chair's words by one voice.
TURN_OPENING = re.compile(r"報告(?:主席|市長|副市長|秘書長|副秘書長|召集人)")
NEXT_TURN = re.compile(rf"(?<=.{{6}})[，\s]*(?={TURN_OPENING.pattern})")
# Staff reporting to a head they address ("局長，我們下週要再跟廠商談", "主委，這個案子預計…",
# "區長，里長說這條路…"), not the chair instructing one.
REPORTED_TO_HEAD = re.compile(
    r"我們|我這邊|本(?:科|局|處|所)|預計|依規定|規定要|說|會(?!同|勘|商|議|報|銜)"
)
# An agency opening its own turn: "衛生局報告，", "社會局補充一下，", "都發局這邊報告，".
SELF_INTRODUCTION = re.compile(
    r"^(?P<who>[^，。？！]{2,12}?)(?:這邊)?(?:先|再)?(?:跟大家|向大家|跟主席|跟市長)?(?:做)?(?:個)?"
    r"(?:報告|補充|補充報告)(?:一下)?(?:，(?=.{6})|(?=[^，。？！]{4}))"
)
# "你們回去評估": the addressee in the second person before the verb.
YOU = re.compile(r"^(?:那|就)?(?:你們|你)(?:就|再|先)?")
# "動線你們本週五前重新走一遍": the chair telling the agency that just spoke (not "我們").
YOU_ADDRESSED = re.compile(r"(?<![我他])你們(?!的|自己|有沒有|是不是|到底)")
# An agency sent to do it: "文化局去講", "社會局來出", "研考會去催" (not 去年, 來說).
SENT_TO_DO = re.compile(
    r"(?:這邊|那邊)?(?:就|先|再|也)?(?:分頭|一起|直接|親自|馬上|趕快)?"
    r"(?:去(?!年)|來(?![說講的自]|補充|報告|說明|簡報|回應|開會|參加|跟大家))[\u4e00-\u9fff]"
    # …not a story or a view: "消防局去現場的時候", "文化局去辦的話效果比較好"
    r"(?![^，。]*(?:的時候|時候|的話|比較|效果|發現|講得))"
)
# Said before the agency told, whom or when: "你們文化局去講", "會後主計處傳到群組".
LEAD_IN = re.compile(
    r"^(?:你們|你|會後|散會後|回去|今天|明天|後天|下週|下禮拜|下星期|這禮拜|這週|本週)(?:就|先)?$"
    r"|^(?:你們|你|會後|散會後|回去)(?=[\u4e00-\u9fff]{2})"
)
# Words that name the subject before the agency told: "這件事北水處來彙整", "這部分環保局…".
SUBJECT_FIRST = re.compile(r"^(?:這件事|這個部分|這部分|這一塊|這個|那個)(?:的話)?")
IMPERATIVE_VERBS = re.compile(
    r"擬(?!定)|列管|加強|檢討|研議|研擬|提出|盤點|清查|改善|評估|規劃|落實|督導|追蹤|辦理|完成|處理|協調|整合|統一|擴大|啟動|補強|建立|訂定|確認|複查|會勘|彙整|盯|研究(?!過|了)|想辦法"
    r"|(?<!等)(?![告明充應講說])[\u4e00-\u9fff]一下(?!子)"
)
RESULTATIVE = re.compile(
    r"(?:出來|起來|上來|下來|清楚|到位|完畢|完成|做完|清完|弄好|做好|整理好|彙整好|準備好|一次|一輪|一遍"
    r"|約好|談好|排好|講好|喬好|訂好|定好|修好|換好|補好|裝好|放好|印好|貼好|寄好|(?<=要[\u4e00-\u9fff])好"
    r"|(?<=[\u4e00-\u9fff])完(?![整全善美])|([\u4e00-\u9fff])一\1)"  # 追完, 聊一聊
)
REQUEST = re.compile(r"(?:請|麻煩|拜託|責成|交代|要求|交由|交給|交辦|指示|就請|來請|我請)")
MODAL = re.compile(
    r"(?:要|務必|必須|應該|應|負責|主政|主辦|統籌|牽頭|就(?!是|好|這樣|可以|算)|先|再(?!談|說|講|看看|來談|來說|來講)|也要|趕快|儘速|盡速|盡快|儘快|立即|立刻|馬上|(?<![也都])一起(?=[\u4e00-\u9fff])(?!報告|說明|補充|回應|簡報)|"
    r"(?:也|另外)(?=(?:(?![有是會在已沒不都了確])[\u4e00-\u9fff]){0,3}?(?:辦|做|開|找|提|送|查|排|補|發))|"
    r"今天|明天|把|每一?(?:週|周|天|日|月|個月|個禮拜|星期|季)|下(?:週|周|禮拜|星期|個月)(?!.{0,4}會(?!議|報))|[0-9一二兩三四五六七八九十]+\s*個?(?:天|日|週|周|禮拜|星期|工作天|工作日|月)|本週|本周|這禮拜|(?:週|周|禮拜|星期)[一二三四五六日天](?:以?前|之前)|月底|年底|下次|(?<![開散])會後(?!續)|\d+月)"
)
TOPIC = re.compile(
    r"^(?:那|好，|好|嗯，|嗯|另外，?|還有，?|至於|然後|第[一二三四五六七八九十]+(?:個|點)?，?)?"
)
# How an agency sounds when it reports: first person, plans, what is already done.
AGENCY_VOICE = re.compile(
    r"本局|本處|本會(?!議|報)|本中心|敝局|我們局|我們處|我們會[在先再]|我們(?:已經|目前|預計|會|有在|正在|這邊會|這邊已經|也有|也會|都有)"
    r"|(?:^|，)(?:我們)?預計.{0,12}(?:會|將|可以|完成)|報告(?:主席|副?秘書長|市長|副市長|議員|召集人|各位)|不好意思，?我補充|補充一下|補充報告"
    # what it will do, when: "我們這禮拜會把承辦人找齊", "我們下週就會發函"
    r"|我們(?:這禮拜|這週|本週|今天|明天|下週|下禮拜|月底前|年底前|之後|後續)就?會(?!同|勘|商|議|報|銜)"
    r"|(?:已經|有|我們有|我們已經|也有)請|建請|跟我們|給我們|我們這邊|我們當天|我們也|我們的"
    r"|(?:局|處|會|公司|所)(?:這邊)?(?:預計|會在|將於|將在|目前|已經|在事發)"
    # An agency saying what it will do: 工務局會全力處理, 主計處這禮拜會先發函, 環保局今天晚上就會…
    r"|(?:局|處|會|公司|所|中心)(?:這邊|也)?(?:這禮拜|這週|本週|今天(?:晚上|下午|上午)?|明天|下週)?就?"
    r"會(?!同|勘|商|議|報|計|談|員|場|長|銜)"
    r"|這邊(?:要|想)?(?:提醒|補充)"  # 財政局這邊要提醒
    # 我們跟環保局每個禮拜都在清…; 人事處提醒，… (not 請衛生局提醒長者…)
    r"|我們(?:跟|和)[^，。]{1,10}?(?:每|都在|已經|一直|有在|正在)|(?:^|，)[^，。請]{0,8}(?:局|處|會|中心|所)提醒(?:一下)?[，,]"
)
# Opinions and decisions in a discussion are not instructions.
OPINION = re.compile(
    r"(?:這邊|我們|本局|本處|的)(?:是)?建議|有一個.{0,6}建議|(?:^|，)建議(?![^，。]{1,6}(?:局|處|會|中心|公司|隊|所))|(?:的|(?<!會)有|沒有|其他|表示|提供)意見(?!回饋|調查|箱|反映|蒐集|收集)|意見(?:是|如下)"
    r"|(?:局|處|會|中心|公司)(?:這邊)?(?:的)?(?:意見|擔心|認為|覺得)[，,]"  # 主計處意見，… / 社會局擔心，…
    r"|照.{0,8}意見|^.{0,8}同意|沒有問題|可以接受|照原案"
    r"|(?:照案|修正)通過|等一下|待會"
    r"|(?:局|處|會|中心|公司)(?:這邊)?(?:是)?建議|(?:還|也)?有一些意見"  # 社會局建議，…
)
# What someone is to be told, up to the end of the clause: "告訴市民我們已經在處理".
REPORTED_SPEECH = re.compile(
    r"(?:告訴|告知|跟(?:市民|民眾|大家|議員|家長)說)(?:市民|民眾|大家|議員|家長)?[^，。]*"
)
# The chair's own plural ("我們就請", "我們來請") is an instruction, not a report.
CHAIR_PLURAL = re.compile(r"我們(?:就|來|先|再)?請|我們就(?:交|由)")
_COUNCILLOR_ONLY = r"本席|我要求|我要請問|我要看到|我要的是|請問|給本席|我會盯|我會追蹤|你們(?:有沒有|是不是|到底)|我們(?:議會|議員)"
COUNCILLOR_VOICE = re.compile(
    rf"{_COUNCILLOR_ONLY}|給我辦公室|我的辦公室|我辦公室|你們自己|市長，你|局長，你|市長你|局長你|你今天"
)
# Outside the council a chair says these too: "送到我辦公室", "局長，你們回去…", "時間你們
# 自己抓". Only words no chair uses veto there.
COUNCILLOR_ONLY = re.compile(_COUNCILLOR_ONLY)
# The mayor giving an agency work in a council session: "我請消防局…", "就請教育局…".
_ASKS_AGENCY = r"(?:請|交代|責成).{0,8}(?:局|處|公司|所|中心)"
MAYOR_REQUEST = re.compile(rf"(?:我(?:就|來|會|已經|要)?|就){_ASKS_AGENCY}")
MAYOR_ANSWER = re.compile(rf"我(?:就|來|會|已經|要)?{_ASKS_AGENCY}")  # in his own voice
PROCEDURE = re.compile(
    r"備詢|時間到|請發言|請坐|請答復|答復一下|案由|第[一二三四五六七八九十0-9]+案|(?<!另外)(?<!重新)(?<![再另])提案|提請討論"
)
DECISION = re.compile(
    r"(?:照案|修正)通過|原則同意|准予備查|同意備查|洽悉|本案(?:保留|退回|暫緩|通過)"
)
# An item decided as soon as it is named: "第一案保留，", "第二案照案通過，".
ITEM_DECIDED = re.compile(
    r"[，、]?(?:本案)?(?:保留|照案通過|修正通過|通過|另案處理|撤回|暫緩)[，。]"
)
# The chair settling a point before giving the work: "不過我同意全面檢查，資訊局…",
# "第三條照法務局的意見，由工務局…" (an opinion adopted, not voiced).
SETTLED = re.compile(r"我(?:也)?同意[^，。]*|照[^，。]{0,8}意見[^，。]*|[^，。]{0,10}沒有問題")
READING_BACK = re.compile(
    r"上次(?:會議|會報|市政會議)|第\s*[0-9一二三四五六七八九十]+\s*項[，,]?\s*(?:請|由)|建議(?:解除|繼續|持續)列管|已經在.{0,12}(?:完成|函報|函送|辦理)"
)
QUESTION_END = re.compile(r"(?:？|\?|嗎|呢|吧)[。！]?$")
TAG_QUESTION = re.compile(r"(?<=[，,])(?:好不好|好嗎|可以嗎|行不行|行嗎|沒問題吧|OK嗎|ok嗎)[？?]")
PRAISE = re.compile(r"很好|不錯|辛苦|恭喜|值得參考|做得|很快|謝謝|感謝|很成功|很順利")
# Things already done, or the speaker's own plans: "已經協調好", "就調派了", "也會跟…合作".
DONE_OR_PLANNED = re.compile(
    r"已經|已(?:完成|辦理|請)|過了|了(?:[，。！]|$)|(?:也|都|我們|就|自己)會(?!同|議|報|勘|商)|(?<!是不是)(?<!可不)可以(?!先|協助|幫忙)|目前|(?<!把)正在"
    r"|上個月|上禮拜|上週|昨天|前天|當天|去年|剛剛|之前|[0-9一二三四五六七八九十]+月[0-9一二三四五六七八九十]+[號日]就"
    r"|過了|(?<!重新.)(?<!重新..)過(?:[，。]|$)|講過|說過|確認過|看過|(?:局|處|會|公司|所)說|了(?:很多|不少)(?!.{0,12}(?:請|要))"
)
# Openings of someone reporting to the chair or answering a councillor.
SPEAKER_OPENERS = (
    "報告主席", "主席好", "主席、", "主席，", "謝謝主席", "各位首長", "報告市長", "市長好", "報告秘書長",
    "秘書長好", "謝謝秘書長", "報告副市長", "副市長好", "謝謝副市長", "報告召集人", "謝謝召集人",
    "議員好", "議員您好", "報告議員", "謝謝議員", "議長好", "報告議長", "有，我在", "是，是", "是的",
)  # fmt: skip
CHAIR_OPENERS = re.compile(
    r"^(?:好|OK|ok|很好|嗯，好|那我們|接下來|下一個|我想|我覺得|我知道|我了解|我講一下|這個我|我再講|我先講|我問一下|我補充一句|"
    r"我跟大家|各位|大家|主席裁示|裁示|我裁示|我們就請|那就請|那請|那這樣|謝謝[^，。主秘市副議]{0,8}(?:局長|處長|主委|主秘|執行長|大家|各位|報告))"
)
# The chair judging what was just reported, before saying what to do: "這個太慢了。",
# "一個小時太久了。", "四場不夠，…", "這麼趕？", "選務人力不能開天窗。"
CHAIR_REACTION = re.compile(
    r"^(?!.{0,10}我們)[^，。？！]{0,10}(?:太(?:慢|久|少|晚|趕|貴|多|高|低)了?|不夠|這麼(?:趕|慢|久|晚|少)"
    r"|不能(?:再)?(?:拖|等|開天窗|漏)|不要(?:再)?拖)(?:[了啦]?(?:吧|啊|喔|耶)?[。！？，]|[了啦])"
)
# …or said last, after what it judges: "十一月招標，年底決標，…太慢了吧？"
CHAIR_VERDICT_LAST = re.compile(
    r"，[^，。我]{0,4}太(?:慢|久|晚|少|趕|大|高|低|貴)了(?:吧|啊)?[？?！。]$"
)
# …or granting a point, then saying what must be: "等結果可以，可是要先有一個回應".
CHAIR_CONCEDES = re.compile(
    r"^[^，。？！]{1,8}(?:可以|沒關係|我了解|我知道|我理解)，(?:可是|但是|不過)"
)
STARTS_WITH = re.compile(r"(?:先|就)?從(?P<who>[^，。？！]{2,12}?)(?:這邊)?(?:開始|先來)[。！]?$")
FLOOR_GIVING = re.compile(
    r"請(?P<who>[^，。？！、]{1,16}?)(?P<title>局長|處長|主委|主任秘書|秘書長|議員|市長|副市長|代表|主秘)?"
    r"(?:先|再)?(?:來)?(?:跟大家)?(?:做)?(?:個|一下)?(?:報告|說明|補充|答復|回應|發言|質詢|簡報)(?:一下)?"
    r"(?P<what>[^，。？！]{0,24})[。，]?$"
)
ASKED_ABOUT = re.compile(r"(?:好，?)?(?:那)?(?P<who>[^，。？！]{2,12}?)(?:這邊|那邊)?呢[？?。]?")
# Handing over the floor is procedure, never a directive (unless a later occasion or a deadline
# turns it into work: "請交通局下次會議報告辦理情形"). A secretary's rule, with or without
# punctuation: someone is asked to speak now ("請X局報告/說明/簡報/補充/回應", "請王局長回應一下",
# "請財政局先講"), invited ("有請消防局"), or called next ("接下來請環保局", "下一個，交通局").
SPEAK_NOW = re.compile(
    r"(?:請|有請)[^，。？！]{0,24}?(?:來|先|再|也)?(?:跟大家|向大家|為大家)?(?:做|作)?(?:一個|個|一下)?"
    r"(?:簡單(?:的)?)?(?:專案)?(?:報告|說明|簡報|補充|回應|答復|回答|發言|先講|先說|講一下|說一下)"
    r"(?![會書])(?:說明|報告)?(?:一下)?(?P<what>[^，。？！請]{0,24})[。！]?$"
)
SAID_NOW = re.compile(
    r"(?:報告|說明|補充|回應|簡報)一下[。！？]?$|(?:先講|先說)[。！]?$"
    r"|(?:要不要|有沒有要?|還有沒有要?)(?:再)?(?:補充|說明|回應|報告)"
)
CALLED_NEXT = re.compile(
    r"(?:接下來|接著|下一個|下一位|下一案|再來|有請|輪到)[，,]?(?:是|就是)?(?:我們)?(?:就|先|再)?(?:請)?"
    r"(?P<who>[^，。？！]{2,16}?)(?:局長|處長|主委|主秘|主任秘書|執行長|的部分|這邊)?[。！]?$"
)
CALLED_WITH_TOPIC = re.compile(
    r"^(?:好，?)?(?:那)?(?:接下來|接著|下一個|再來)(?:是|就是)?(?:我們)?(?:請|有請)(?P<rest>.+)$"
)
# An agency named and asked to report now, without 請: "觀傳局先跟大家報告一下整備".
OWN_REPORT_NOW = re.compile(
    r"^(?:那|好，?)?(?P<who>[^，。？！請]{2,12}?)(?:先|再)(?:跟大家|向大家)?(?:做)?(?:個)?"
    r"(?:(?:報告|說明|簡報)(?:一下)?|(?:講|說)一下)(?P<what>[^，。？！]{0,16})$"
)
FLOOR_THEN_REPORT = re.compile(
    r"(?<![已會曾都也])(?:先|再)?(?:請|有請|再來|接下來|接著|下一個)(?:是|就是)?(?:請)?"
    r"(?P<who>[^，。？！請]{2,12}?)(?:先|來|再)?(?:跟大家)?(?:做)?(?:個|一下)?"
    r"(?:報告|說明|簡報)(?![會書])(?P<briefly>一下)?"
)
LATER_OCCASION = re.compile(r"下次|下週|下禮拜|下星期|書面|之後|以後|定期|每週|每月|每個月|按月|把")
PERSON_TITLES = (
    "局長",
    "處長",
    "主委",
    "主任秘書",
    "秘書長",
    "議員",
    "市長",
    "副市長",
    "代表",
    "主秘",
    "召集人",
    "執行長",
)
DECISION_WORDS = (
    "照案通過",
    "修正通過",
    "原則同意",
    "同意備查",
    "准予備查",
    "洽悉",
    "保留",
    "退回",
    "另案",
    "暫緩",
    "撤案",
    "緩議",
    "通過",
)
FOLLOW_UP_WORDS = ("解除列管", "繼續列管", "自行列管", "持續列管")
# Characters a recogniser writes for the last syllable of an agency name (都發局 → 都發舉).
MISHEARD_OFFICES = re.compile(
    r"(?<=[各個]區)工作(?!站|人員|者|坊|室)"
    # a named district's office, told what to do: "南港區工作期天內修好"
    r"|(?<=中正區|大同區|中山區|松山區|大安區|萬華區|信義區|士林區|北投區|內湖區|南港區|文山區)"
    r"工作(?=[0-9一二兩三四五六七八九十期其]|要|把|協助|配合|負責|會同|這邊|[，。])"
)
# A chair's order put as a question: "是不是請交通局…，月底前把結果告訴我？"
# Asking for work, not about a fact: 是不是/能不能/可不可以 then what to do.
POLITE_ASK = re.compile(
    r"(?:是不是|能不能|可不可以|可否)(?:可以|能|就|先|再|也)?(?:請)?"
    r"(?![有是已沒會在太很比較因要不還都])(?!說明|報告|補充|回應|講|告訴我|解釋)"
)
POLITE_ORDER = re.compile(r"是不是(?:就|先)?請(?=[^，。？]{2,12}(?:局|處|會|中心|公司|所|隊))")
# The chair correcting what was just said: "啊，不對，…那就改下週三前".
CORRECTION = re.compile(
    r"^(?:啊|喔|欸|呃)?，?(?:不對|更正|我講錯了|我說錯了|講錯了|說錯了)[，。！]?$"
)
SPLIT_OPENING = re.compile(r"告(?:主席|秘書長|副秘書長|市長|副市長|議員|議長|召集人)")
SPLIT_REPORT = re.compile(r"報，告(?=主席|秘書長|副秘書長|市長|副市長|議員|議長|召集人|各位)")
# …but a count keeps its 個: "這五個機關", "十二個區公所", "幾個局處".
MISHEARD_EACH = re.compile(
    r"(?<![0-9一二兩三四五六七八九十幾這那每哪])個(?=區公所|區清潔隊|局處|機關|分局|學校)"
)
HOMOPHONES = {"局": "舉句據据居菊橘巨聚劇桔覺", "會": "匯惠繪慧彙薈", "處": "出觸畜楚"}
UNKNOWN_AGENCY = re.compile(
    r"(?:請|交由|麻煩|責成)(?P<name>(?!市長|副市長|議員|局長|處長|相關|各)[\u4e00-\u9fff]{2,9}?(?:局|處|署|中心|公司|大隊|委員會|基金會|協會|公會|研究院|醫院))"
    r"(?![理置分罰境])"  # 請在這禮拜處理完: 處理 is no office
)
NAMED_REACH = 3  # sentences after its name that the speaking agency is still sure
CARRY_PAUSE_SECONDS = 2.0  # a longer silence ends the sentence, whatever the grammar
QUESTION_CHARS = 160  # of a councillor's turn, quoted in the minutes
ADDRESS_OPENING = re.compile(
    r"^(?:好的?，?)?(?:我(?:了解|瞭解|知道)，?)?(?:那)?[^，。]{1,8}(?:局|處|會|所|公司|中心|隊)(?:這邊|這個部分)"
)
NEW_INSTRUCTION = re.compile(
    r"(?=另外|還有|然後請|也請|再請|麻煩|接下來|(?:那|然後|至於)[^，。那]{1,8}(?:的部分|這部分|這個部分))"
)
NEXT_ITEM = re.compile(
    r"(?<=.)(?=(?:好的?|那|OK)?(?:接下來|下一個|下一位|下一案|再來請|有請)|好的?(?:謝謝|那我們)|謝謝.{1,6}(?:局長|處長|主委|秘書長)"
    r"|(?:那|好)(?:我們)?(?:進行|回到)?(?:報告|討論)事項|好的?(?=第[一二三四五六七八九十0-9]+案))"
)
ANNOUNCES_TOPIC = re.compile(
    r"^(?:[^，。]{1,8}(?:局長|處長|主委|市長)好)|我(?:今天)?(?:先|要|想|再)(?:來)?(?:講|問|談)(?!一下)"
)
# What a partner does: "社會局協助", "民政局陪同督導", "研考會會銜".
HELPS = r"(?:從旁)?(?:協助|配合|支援|幫忙|陪同|會銜|協辦|為輔|把關)|在(?:後面|旁邊)盯"
CO_WORDS = re.compile(
    rf"會同|協同|偕同|結合|會商|透過|跟|和|與|及|、|以及|一起|共同|{HELPS}|帶著|拉著|找|邀|協調|盯著|幫(?!我)"
)
# Its staff lending a hand: "聯醫的心理師也可以支援一部分個案".
STAFF_HELP = re.compile(rf"的[\u4e00-\u9fff]{{1,4}}?(?:也|來|這邊)?(?:可以|要)?(?:{HELPS}|一起)")
# "交通局、消防局配合": partners of the instruction just given, not a new one.
# A partner's part said after its name: "也協助", "來配合", "一起".
HELPS_AFTER_NAME = re.compile(rf"(?:也|來|這邊)?(?:{HELPS}|一起)")
ONLY_HELPS = re.compile(rf"[〇、，\s跟和與及]*(?:也|來|這邊)?(?:要)?{HELPS}")
REQUEST_BEFORE_NAME = re.compile(r"(?:麻煩|拜託|交由|交給|責成|交代|請|由)$")
CO_BEFORE = re.compile(r"(?:跟|和|與|及|、|會同|協同|偕同|結合|以及|或|還有|的)$")
# What follows an agency that is being told to act: "環保局要…", "環保局會同…", "教育局開學前要…".
TOLD_AFTER = re.compile(
    r"(?:這邊|那邊|這個部分|的部分)?(?:[^，。]{0,6}?(?:要|務必|必須|一定要)|會同|協同|偕同|來?(?:負責|主責|主政|主辦|統籌|牽頭|帶頭)"
    # a deadline close after the name: "…人手秘書處去跟地政局借兩週內把班排好"
    r"|[^，。]{0,8}?(?:[0-9一二兩三四五六七八九十]+\s*個?(?:天|週|禮拜|星期|月|工作天)(?:內|之內|以內)|月底前|年底前)"
    r"|(?:這禮拜|這週|本週|下週|下禮拜|明天|今天)$"  # the deadline cut off by a pause
    r"|幫我|(?:跟|和|與|及|、|找|帶著)[\u4e00-\u9fff]{2,8}?(?:一起|共同|協助|配合)"
    # how often or by when, then what to handle: "資訊局每個月把各機關的完成率更新在群組上"
    r"|(?:每[^，。的]{1,3}|[^，。的]{1,5}(?:前|內))把(?!關|握))"
)
# An instruction whose list of partners runs on into the next clause.
DANGLING_PARTNER = re.compile(
    r"(?:跟|和|與|及|、|會同|協同|偕同)[^，。]{1,10}(?:局|處|會|所|中心|公司|隊)$"
)
# A topic said before the agency told about it: "疏運的部分交通局跟捷運公司一起規劃".
# Whether something can be done, and the words of finding it out.
WHETHER = re.compile(r"能不能|可不可以|要不要|有沒有辦法|是不是可以|可否")
FIND_OUT = re.compile(r"想辦法|研究|評估|了解|看看|查|檢討|確認|試試|處理|規劃")
TOPIC_END = re.compile(r"..(?:的部分|這部分|這個部分|這件事|這一塊|方面)$")
RECEIVER_BEFORE = re.compile(
    r"(?:送|送到|送交|函送|給|向|提報|陳報|轉|報|到|交給|副本給|通報|通知|告知)$"
)


@dataclass
class Sentence:
    segment: Segment
    text: str  # glossary-corrected, for analysis
    floor: str = "chair"
    speaker_agency: str | None = None  # the agency given the floor, while it has it
    speaker_named: bool = False  # … named by the chair or by itself in this turn, not carried over


@dataclass
class _Draft:
    header: MeetingHeader
    reports: list[ReportItem] = field(default_factory=list)
    discussions: list[DiscussionItem] = field(default_factory=list)
    motions: list[DiscussionItem] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    adjourned_at: float | None = None


@dataclass
class _Candidate:
    clauses: list[tuple[str, str]]  # (analysed, original)
    lead: Agency | None
    agency_said: str | None = None
    head: int = 1  # clauses[:head] state the instruction; the rest elaborate
    context: list[tuple[str, str]] = field(default_factory=list)  # asides inside the head
    # "避寒處所社會局牽頭，各區公所把…開出來，聯醫…也要進來巡": one said to lead, the
    # agencies given parts after it in the same breath share its work
    leads_all: bool = False
    told_about: list[tuple[str, str]] = field(default_factory=list)  # named, but no partners
    partners: list[Agency] = field(default_factory=list)


@dataclass
class _Pending:
    clauses: list[tuple[str, str]]  # "請環保局會同各區公所": an addressee, the task still to come
    agency: Agency


class RuleBasedDrafter:
    """Minutes without a language model: deterministic, offline, measured on labelled meetings."""

    name = "rules"

    def __init__(
        self,
        *,
        agencies: AgencyRegistry | None = None,
        calendar: WorkCalendar | None = None,
        converter: ScriptConverter | None = None,
    ) -> None:
        self.agencies = agencies or default_agencies()
        self.calendar = calendar or WorkCalendar()
        self.converter = converter or ScriptConverter(default_glossary())
        self._misheard = _misheard_names(self.agencies)
        names = "|".join(
            re.escape(n) for n in sorted({n for a in self.agencies for n in a.names}, key=len)[::-1]
        )
        self._misheard_request = re.compile(rf"(^|[我就再也先那，,])[清輕青](?={names})")
        self._misheard_with = re.compile(rf"根(?={names})")
        # 由 heard as 有 before the agency that leads: "宣傳的部分有體育局牽頭"
        self._misheard_by = re.compile(
            rf"有(?=(?:{names})(?:這邊)?(?:來)?(?:負責|牽頭|主責|主政|主辦|統籌|帶頭|辦理))"
        )
        # Districts listed before one 區公所: "士林、北投兩個區公所", "士林跟北投區公所".
        offices = {
            a.short.removesuffix("區公所"): a
            for a in self.agencies
            if a.short.endswith("區公所") and not a.group
        }
        district = "|".join(map(re.escape, offices))
        self._district_offices = offices
        self._district_list = re.compile(
            rf"(?P<list>(?:(?:{district})區?(?:、|跟|和|及|與|以及)?){{2,}})(?:[兩三四五六幾]個)?區公所"
        )
        self._left_over: _Pending | None = None

    def draft(self, transcript: Transcript, header: MeetingHeader) -> Minutes:
        started = time.perf_counter()
        sentences = self._sentences(transcript)
        council = _is_council(header)
        self._track_floor(sentences, council=council)
        chair = self._chair_speaker(transcript, sentences, header)
        if chair is not None and not council:
            for sentence in sentences:
                if sentence.segment.speaker == chair:
                    sentence.floor = "chair"  # the voice is the chair's, whatever the words
        draft = _Draft(header=header)
        self._agenda(sentences, draft)
        draft.directives = self._directives(sentences, header)
        for directive, sentence in zip(draft.directives, self._said_by, strict=True):
            speaker = sentence.segment.speaker
            directive.speaker = transcript.speaker_name(speaker)
            if chair is not None and not council and speaker not in (None, chair):
                directive.flags.append("not_from_chair")
        return Minutes(
            header=header,
            follow_ups=draft.follow_ups,
            reports=draft.reports,
            discussions=draft.discussions,
            motions=draft.motions,
            directives=draft.directives,
            questions=_questions(transcript, sentences),
            adjourned_at=draft.adjourned_at,
            notes=_notes(transcript, draft),
            draft=DraftRecord(
                drafter=self.name,
                created_at=datetime.now(UTC),
                transcript_file=transcript.source.file,
                transcript_sha256=transcript.source.sha256,
                seconds=round(time.perf_counter() - started, 3),
            ),
        )

    def _normalise(self, text: str) -> str:
        text = self.converter.convert(text)
        if self._misheard is not None:
            text = self._misheard[0].sub(lambda m: self._misheard[1][m.group(0)], text)  # type: ignore[index]
        # Characters a recogniser writes for a word next to an agency's name, one for one so
        # that positions keep: 請 → 清/輕/青, 跟 → 根, 各 → 個 (各區公所, 各局處).
        text = self._misheard_request.sub(lambda m: m.group(1) + "請", text)
        text = self._misheard_with.sub("跟", text).replace("緊快", "盡快")
        text = self._misheard_by.sub("由", text)
        text = MISHEARD_EACH.sub("各", text)
        # A pause heard inside 報告 before whom it addresses: "秘書處先講報，告秘書長" is
        # "秘書處先講，報告秘書長" (same length, so positions keep).
        text = SPLIT_REPORT.sub("，報告", text)
        text = heard_as_spoken(text)  # 月底 heard as 業底, 內 as 妹 (same length)
        # A tag question softens an order, it does not ask: "…月底前把清單拿出來，好不好？"
        text = TAG_QUESTION.sub(lambda m: m.group(0)[:-1] + "。", text)
        # …and so does "是不是請交通局再跟捷運公司談一次，…月底前把結果告訴我？"
        if POLITE_ORDER.search(text) and _has_deadline(text) and not re.search(r"我們", text):
            text = re.sub(r"[？?](?=\s*$)", "。", text)
        # 個區工作, 南港區工作: 公所 heard as 工作 (and 各 as 個 where only 各 can stand)
        return MISHEARD_EACH.sub("各", MISHEARD_OFFICES.sub("公所", text))

    def _sentences(self, transcript: Transcript) -> list[Sentence]:
        sentences = [
            Sentence(segment=s, text=self._normalise(s.text))
            for s in transcript.segments
            if s.text.strip()
            and not ({"hallucination", "prompt_echo", "repetition"} & set(s.flags))
        ]
        # "…觀傳局報。" | "告市長，舞臺…": a pause cut 報告 in two; the opening is the next
        # speaker's, as the floor rules read it
        for before, after in itertools.pairwise(sentences):
            if re.search(r"報[。，！\s]*$", before.text) and SPLIT_OPENING.match(after.text):
                before.text = re.sub(r"報[。，！\s]*$", "。", before.text)
                after.text = "報" + after.text
        return sentences

    # Who has the floor

    def _chair_speaker(
        self, transcript: Transcript, sentences: list[Sentence], header: MeetingHeader
    ) -> str | None:
        """The chair's speaker label: named so, or the voice that hands out the floor."""
        if len(transcript.speakers) < 2:
            return None  # one voice (or none) found: the labels say nothing about who speaks
        for info in transcript.speakers:
            if info.name == "主席" or (header.chair and info.name == header.chair):
                return info.id
        givers: dict[str, int] = {}
        for sentence in sentences:
            speaker = sentence.segment.speaker
            if speaker is not None and self.gives_floor(sentence.text):
                givers[speaker] = givers.get(speaker, 0) + 1
        if not givers:
            return None
        best = max(givers, key=lambda s: givers[s])
        return best if givers[best] >= 2 else None

    def gives_floor(self, text: str) -> str | None:
        """Who the chair hands the floor to ("請都發局報告", "…，請研考會。"), if anyone."""
        for match in FLOOR_GIVING.finditer(text):
            who = match.group("who").removeprefix("由").removesuffix("的").removesuffix("先")
            if match.group("title") or who.endswith(PERSON_TITLES):
                return "councillor" if "議員" in match.group(0) else "agency"
            if self._is_agency_name(who):
                return "agency"
        asked = ASKED_ABOUT.fullmatch(text.strip())
        if asked and self._is_exact_agency(asked.group("who")):
            return "agency"  # "警察局呢？": the chair turning to an agency for its part
        started = STARTS_WITH.search(text)
        if started and self._is_exact_agency(started.group("who")):
            return "agency"  # "我們先從青年局開始。"
        last = re.split(r"[，,]", text.rstrip("。！ "))[-1].strip()
        name = re.sub(r"^(?:先請|再請|請|一樣是|由)", "", last)
        name = re.sub(r"(?:局長|處長|主委|主秘|主任秘書)$", "", name)
        # "…，請研考會。" names whom; "交警大隊每個禮拜丟一次到群組" says what to do;
        # "下次會報前韓文的稿子要先出來，觀傳局。" names whom the work before is for.
        if (
            name
            and self._is_exact_agency(name)
            and not _has_predicate(self.agencies.strip_names(name))
            and not (name == last and self._work_before_name(text))
        ):
            return "agency"
        return None

    def _work_before_name(self, text: str) -> bool:
        """The sentence said what is to be done before naming its agency, last and alone:
        "下次會報前韓文的稿子要先出來，觀傳局。" (not "先看社交工程演練，資訊局。")."""
        before = re.split(r"[，,](?=[^，,]*$)", text.rstrip("。！ "))[0]
        if re.search(r"(?:接下來|下一個|下一位|再來|接著|然後|有請)$", before):
            return False  # "…，接下來，觀傳局。": the next speaker called
        return bool(
            re.search(r"要|務必|必須|一定", before)
            and _has_deadline(before)
            and _is_instruction_tone(before)
            and not self.agencies.find_in_text(before)
            and not QUESTION_END.search(before)
        )

    def hands_over_floor(self, clause: str) -> bool:
        """The chair asks someone to speak now: procedure, not an instruction."""
        clause = clause.strip("，,。！ ")
        if self._floor_then_report(clause):
            return True
        if _has_deadline(clause) or LATER_OCCASION.search(clause):
            return False
        said = SPEAK_NOW.search(clause)
        if said and not self._has_predicate(_noun_head(said.group("what"))):
            return True  # "請環保局講一下河濱烤肉的整備": 整備 names the report's subject
        own = OWN_REPORT_NOW.match(clause)
        if own and self._is_exact_agency(own.group("who")) and not _has_deadline(clause):
            rest = own.group("what")
            # a short subject is a noun whatever its verb ("整備", "疏運規劃")
            if (len(rest) <= 6 or not self._has_predicate(_noun_head(rest))) and not MODAL.search(
                rest
            ):
                return True  # "觀傳局先跟大家報告一下整備": the floor, without 請
        if SAID_NOW.search(clause):
            return True
        topic = CALLED_WITH_TOPIC.match(clause)
        if topic:
            named = self.agencies.find_in_text(topic.group("rest")[:12])
            name = _first_name(topic.group("rest"), named[0]) if named else None
            after = topic.group("rest")[len(name or "") :]
            if (
                name
                and topic.group("rest").startswith(name)
                and "的" in after
                and not self._has_predicate(after.split("的")[0])  # 加強下水道的清淤 is work
                and not MODAL.search(after)
                and not _has_deadline(after)
            ):
                return True  # "接下來請衛工處下水道的清淤": the floor and the report's subject
        called = CALLED_NEXT.search(clause)
        if called:
            who = called.group("who").removeprefix("請")
            return who.endswith(PERSON_TITLES) or self._is_agency_name(who)
        return False

    def _floor_then_report(self, clause: str) -> bool:
        """The floor handed to an agency and its report run together, as one voice without
        punctuation: "先請觀傳局報告整體的規劃", "再來人事處報告一下考績的作業年終考績要在…".
        Work given with it ("請交通局報告給議員", "…兩週內", "下次會議報告") is an instruction."""
        given = FLOOR_THEN_REPORT.search(clause)
        if given is None or not self._is_exact_agency(given.group("who")):
            return False
        rest = clause[given.end() :]
        if given.group("briefly"):
            return True  # "人事處報告一下…": what follows is the report, deadlines and all
        return not (deadline_in(rest) or re.match(r"(?:給|向|到)", rest))

    def _is_exact_agency(self, text: str) -> bool:
        try:
            self.agencies.resolve(text)
        except InputError:
            return False
        return True

    def _has_predicate(self, clause: str) -> bool:
        """A verb of action, a result ("整理出來") or a 把-phrase, outside agency names.

        "各區公所配合社會局" names who works with whom but not what to do: no predicate.
        """
        rest = self.agencies.strip_names(clause)
        if re.fullmatch(
            r"[〇、，\s]*(?:(?:也|要|來)?(?:配合|協助|會同|協同|偕同|結合|跟|和|與|及|一起)[〇、，\s]*)+",
            rest,
        ):
            return False
        return _has_predicate(rest)

    def _is_agency_name(self, text: str) -> bool:
        try:
            self.agencies.resolve(text)
        except InputError:
            found = self.agencies.find_in_text(text)
            return (
                bool(found)
                and len(text) <= max(len(n) for n in found[0].names) + 6
                and not self._has_predicate(text)
            )
        return True

    def _track_floor(self, sentences: list[Sentence], *, council: bool) -> None:
        floor = "councillor" if council else "chair"
        handed_to: str | None = None
        speaker: str | None = None
        named_at = -10  # where the speaking agency was last named (by the chair or itself)
        for index, sentence in enumerate(sentences):
            text = sentence.text
            if handed_to is not None:
                floor, handed_to = handed_to, None
            floor = _council_floor(text, floor) if council else _meeting_floor(text, floor)
            introduced = None if council else self._introduces_itself(text)
            if introduced:
                floor = "agency"  # "衛生局報告，春節期間…": a new speaker says who it is
            elif (
                not council
                and floor == "agency"
                and not text.startswith(SPEAKER_OPENERS)  # "報告秘書長，…" is the agency
                and (self._interjects(text, speaker) or _tells_you(text))
            ):
                floor = "chair"  # the chair cut in: "這個部分請都發局跟財政局一起檢討。"
            if floor == "chair":
                speaker = None
            elif introduced:
                speaker, named_at = introduced, index
            elif text.startswith(SPEAKER_OPENERS) or speaker is None:
                named = self.agencies.find_in_text(_strip_opener(text)[:12])
                if named:
                    speaker, named_at = named[0].code, index
            sentence.floor, sentence.speaker_agency = floor, speaker
            sentence.speaker_named = speaker is not None and index - named_at <= NAMED_REACH
            if council:
                if re.search(
                    r"請(?:市長|.{0,6}局長|.{0,6}處長|市府)(?:來)?(?:答復|回應|說明|回答)", text
                ):
                    handed_to = "mayor"
                elif re.search(r"(?:議員)請[。！]?$|請.{1,4}議員(?:質詢|發言)?[。！]?$", text):
                    handed_to = "councillor"
            elif floor == "chair" and self.gives_floor(text):
                handed_to = self.gives_floor(text)
                named = self.agencies.find_in_text(re.split(r"[，,]", text.rstrip("。！ "))[-1])
                speaker = named[-1].code if named else None
                named_at = index
            if floor == "agency" and re.search(
                r"(?:謝謝主席|謝謝秘書長|謝謝副市長|報告完畢|以上報告|以上說明|報告到這裡|^以上|請討論)[。！]?$",
                text,
            ):
                handed_to = "chair"

    # Agenda: reports, discussion items, follow-ups, adjournment

    def _agenda(self, sentences: list[Sentence], draft: _Draft) -> None:
        section = "opening"
        current_report: ReportItem | None = None
        current_item: DiscussionItem | None = None
        for sentence in sentences:
            text = sentence.text
            section = _section(text, section)
            if "散會" in text and sentence.floor == "chair":
                draft.adjourned_at = sentence.segment.start
            if section == "follow_up" and any(w in text for w in FOLLOW_UP_WORDS):
                decision = next(w for w in FOLLOW_UP_WORDS if w in text)
                draft.follow_ups.append(
                    FollowUp(text=sentence.segment.text, decision=decision, span=_span([sentence]))
                )
            report = self._report_start(text, sentence)
            if report is not None and section not in ("discussion", "motion"):
                current_report = report
                draft.reports.append(report)
                continue
            if current_report is not None and sentence.floor == "agency":
                if len(current_report.summary) < 3:
                    summary = _strip_opener(sentence.segment.text)
                    if len(summary) >= 8:
                        current_report.summary.append(summary)
                current_report.span.end = sentence.segment.end
                current_report.span.segment_ids.append(sentence.segment.id)
            elif (
                current_report is not None and sentence.floor == "chair" and self.gives_floor(text)
            ):
                current_report = None
            if section in ("discussion", "motion"):
                current_item = self._discussion(sentence, section, draft, current_item)

    def _report_start(self, text: str, sentence: Sentence) -> ReportItem | None:
        if sentence.floor != "chair":
            return None
        match = re.search(
            r"請(?P<who>[^，。、]{1,16}?)(?:局長|處長|主委)?(?:來)?報告(?P<what>[^，。？！]*)", text
        )
        if match:
            agencies = self.agencies.find_in_text(match.group("who"))
            subject = match.group("what").strip("：:，。 ")
        else:
            if self.gives_floor(text) != "agency" or "議員" in text:
                return None
            agencies = self.agencies.find_in_text(text)
            parts = [p for p in re.split(r"[，,。]", text) if p.strip()]
            subject = next(
                (
                    p
                    for p in parts
                    if not self.agencies.find_in_text(p)
                    and not re.match(r"^(?:好|那|接下來|第.{1,3}(?:案|個))", p)
                ),
                "",
            )
        if not agencies:
            return None
        agency = agencies[-1] if not match else agencies[0]
        subject = re.sub(r"^(?:有關|關於)", "", subject).strip()
        title = f"{agency.short}報告{subject}" if subject else f"{agency.short}報告"
        return ReportItem(
            title=title, agency=agency.code, agency_name=agency.short, span=_span([sentence])
        )

    def _discussion(
        self, sentence: Sentence, section: str, draft: _Draft, current: DiscussionItem | None
    ) -> DiscussionItem | None:
        text = sentence.text
        subject = re.search(r"案由(?:是|為|：|:|，)?(?P<subject>[^。？！]+)", text)
        numbered = re.search(r"第[一二三四五六七八九十0-9]+案", text)
        if subject or (numbered and (current is None or current.decision is not None)):
            before = text.split("案由")[0] if "案由" in text else text
            proposer = self.agencies.find_in_text(before)
            raw = subject.group("subject") if subject else text
            item = DiscussionItem(
                subject=re.split(r"，(?:請|提請|敬請)", raw)[0].strip("，, "),
                proposer=proposer[0].short if proposer else None,
                span=_span([sentence]),
            )
            (draft.motions if section == "motion" else draft.discussions).append(item)
            return item
        if current is None:
            return None
        current.span.end = sentence.segment.end
        current.span.segment_ids.append(sentence.segment.id)
        if sentence.floor == "chair" and current.decision is None:
            for word in DECISION_WORDS:
                if word in text and "不" + word not in text:
                    current.decision = _decision_phrase(sentence.segment.text, word)
                    return current
        if sentence.floor != "chair" and len(current.explanation) < 3:
            current.explanation.append(_strip_opener(sentence.segment.text))
        return current

    # Directives

    def _directives(self, sentences: list[Sentence], header: MeetingHeader) -> list[Directive]:
        directives: list[Directive] = []
        self._said_by: list[Sentence] = []
        meeting_date = header.date or clock.today()
        council = _is_council(header)
        previous_directive_at = -10
        carry: _Pending | None = None
        for index, sentence in enumerate(sentences):
            carried = carry if carry and _carries_on(sentences[index - 1], sentence) else None
            carry = self._left_over = None
            if (not council or sentence.floor == "mayor") and (
                self._polite_request(sentence.text) or self._asks_which(sentence.text)
            ):
                # "衛生局，幼兒園的部分，是不是十天內就派人去做一輪衛教？": asked, not a question
                sentence.text = re.sub(r"[？?](?=\s*$)", "。", sentence.text)
            if not self._may_instruct(sentence, council):
                continue
            follows = (
                directives
                and previous_directive_at == index - 1
                and sentence.segment.speaker == sentences[index - 1].segment.speaker
            )
            if follows and (
                self._partner_joins(directives[-1], sentence, meeting_date, header.meeting_type)
                or (
                    not self._acting_agencies_of(sentence.text, partners=False)
                    and self._continue(directives[-1], sentence, meeting_date, header.meeting_type)
                )
            ):
                previous_directive_at = index
                continue
            # "…給我一份清單。" "士林那一站的發電機。" "年底前換掉。": the thing, paused after
            subject = (
                sentences[index - 1]
                if directives
                and not follows
                and previous_directive_at == index - 2
                and self._bare_subject(sentences[index - 1].text)
                and sentence.segment.speaker == sentences[index - 2].segment.speaker
                else None
            )
            again = (
                self._more_work(directives[-1], sentence, subject) if follows or subject else None
            )
            if again is not None:
                directive = self._directive(again, sentence, meeting_date, header.meeting_type)
                if directive is not None:
                    directives.append(directive)
                    self._said_by.append(sentence)
                    previous_directive_at = index
                    continue
            if follows:
                # "…全面稽查一次。" "本週五前完成，那化學防治的部分…": the deadline of the
                # work just given opens the next sentence; the rest goes on below.
                self._deadline_opens(directives[-1], sentence, meeting_date, header.meeting_type)
            topic = self._topic_agency(sentences, index)
            addressed = self._addressed_agency(sentences, index)
            implied = None if council or topic else self._just_reported(sentences, index)
            given = len(directives)
            for candidate in self._candidates(
                sentence,
                topic,
                carried,
                addressed,
                you_told=not council,
                told_by_chair=not council or sentence.floor == "mayor",
                implied=implied,
            ):
                directive = self._directive(candidate, sentence, meeting_date, header.meeting_type)
                if directive is not None:
                    if carried and candidate.clauses[: len(carried.clauses)] == carried.clauses:
                        before = sentences[index - 1].segment
                        directive.span.start = before.start
                        directive.span.segment_ids.insert(0, before.id)
                    directives.append(directive)
                    self._said_by.append(sentence)
                    previous_directive_at = index
            _share_deadline(directives[given:])
            carry = self._left_over if self._left_over and _addresses(self._left_over) else None
            carry = carry or self._turns_to_last(sentence)
        return directives

    def _polite_request(self, text: str) -> bool:
        """A request put as a question to the agency turned to: "秘書處，索資的流程是不是可以
        做一個線上的追蹤？", "新工處長，…能不能訂一個三天的標準？", "是不是請觀傳局幫忙設計一下？"
        (not "是不是有困難？", "能不能說明一下？", "是不是已經打完了？")."""
        if not re.search(r"[？?]\s*$", text) or re.search(r"我們|你們有沒有", text):
            return False
        asked = POLITE_ASK.search(text)
        if asked is None or re.search(r"了|過|嗎|想一想|想想|考慮", text[asked.end() :]):
            return False  # "是不是請交通局再想一想？" leaves it to them
        if POLITE_ORDER.search(text):
            return True
        # "衛生局，…", and as a recogniser runs it on: "謝謝衛生局幼兒園的部分是不是…"
        opening = re.sub(r"^(?:(?:謝謝|好|嗯|那|OK)[，,、\s]*)+", "", TOPIC.sub("", text, count=1))
        name = self._opening_name(opening)
        if not name:
            return False
        between = opening[len(name) : asked.start() - (len(text) - len(opening))]
        return not self.agencies.find_in_text(between) and (
            between[:1] in ("，", ",", "")
            or bool(re.match(r"[^，。]{1,8}(?:的部分|這部分|這邊)", between))
        )

    def _turns_to_last(self, sentence: Sentence) -> _Pending | None:
        """An agency named last, on its own, after what was said to someone else: the chair
        turning to it, the work in the next sentence ("…法務局應該可以幫你們看一下警察局。"
        "八月底前先把…列一張表。"). A recogniser cuts at the pause after the name."""
        text = sentence.text.rstrip("。！ ")
        said = re.split(r"[，,。！？?]", text)[-1]
        # "…我接受警察局跟民政局一起。" "用里民大會的時間…": partners named with the one told
        together = re.search(r"(?:一起|共同)$", said)
        said = said[: together.start()] if together else said
        mentions = self.agencies.mentions(said)
        end = mentions[-1][1] if mentions else 0
        if not mentions or (end < len(said) and not HEAD_TITLE.fullmatch(said, end)):
            return None
        first = len(mentions) - 1
        while (
            together
            and first > 0
            and re.fullmatch(r"[跟和與及、]", said[mentions[first - 1][1] : mentions[first][0]])
        ):
            first -= 1
        start, _end, agency = mentions[first]
        before = said[:start]
        if re.search(
            r"(?:給|向|到|交|跟|和|與|及|請|由|讓|對|找|問|、|是|的|在|像|比|從|為|被|把|叫|通知|拜託|麻煩)$",
            before,
        ):
            return None
        if not together and (
            len(before) < 4
            or not self._has_predicate(before)
            or self.agencies.find_in_text(before[-4:])
        ):
            return None
        name = said[start:] + (together.group() if together else "")
        raw = sentence.segment.text.rstrip("。！ ")
        return _Pending([(name, raw[-len(name) :])], agency)

    def _bare_subject(self, text: str) -> bool:
        """A thing named on its own, the work to follow: "士林那一站的發電機。"."""
        said = text.rstrip("。！，, ")
        return (
            0 < len(said) <= 12
            and not re.search(r"[，,？?]", said)
            and bool(re.search(r"的[\u4e00-\u9fff]{1,5}$", said))  # a thing: "…的發電機"
            and not _has_deadline(said)
            and not self.agencies.find_in_text(said)
            and not re.search(r"[我你他了嗎呢吧]|是|有|要|會", said)
        )

    def _more_work(
        self, directive: Directive, sentence: Sentence, subject: Sentence | None = None
    ) -> _Candidate | None:
        """Another piece of work, by its own deadline, for the agency just told, whom the chair
        does not name again: "工務局，…十月十五號前給我一份清單。" "士林那一站的發電機，年底前
        換掉，經費的部分主計處幫忙找。" Helpers named in it work with it."""
        text = sentence.text
        if (
            directive.lead_agency is None
            or directive.deadline_text is None
            or self._acting_agencies_of(text, partners=False)
            or _starts_new_thought(text)
            or OTHERS_FIRST.match(TOPIC.sub("", text, count=1))
            or REQUEST.search(text)  # "請資訊局協助做壓力測試" asks a helper to lead
            or re.search(r"(?<![給跟向讓幫])我|大家|各機關|各局處|各單位|所有", text)
            or re.match(r"(?:了解|好的|是的|是，|收到|沒問題)", text)
            or not _has_deadline(text)
            or not self._has_predicate(text)
            or not _is_instruction_tone(text)
            or _in_agency_voice(text)
            or QUESTION_END.search(text)
        ):
            return None
        analysed, original = self._run_on_split(_clauses(text), _clauses(sentence.segment.text))
        clauses = list(zip(analysed, original, strict=True))
        if subject is not None:
            clauses.insert(0, (subject.text.rstrip("。！ "), subject.segment.text.rstrip("。！ ")))
        candidate = _Candidate(clauses, self.agencies.get(directive.lead_agency), head=len(clauses))
        candidate.partners = self._acting_agencies_of(text, partners=True)
        return candidate

    def _opening_name(self, text: str, *, within: int = 12) -> str | None:
        """The agency name the text opens with, as said ("衛生局", "新工處長"), if it opens
        with one."""
        named = self.agencies.find_in_text(text[:within])
        name = _first_name(text, named[0]) if named else None
        return name if name and text.startswith(name) else None

    def _asks_which(self, text: str) -> bool:
        """Work that ends on what to find out, heard as a question: "工務局全市的行道樹做一次體檢
        哪些要換樹種？" (not "工務局，哪些路段有問題？", which asks the agency)."""
        if not re.search(r"[？?]\s*$", text) or re.search(r"你們|有沒有|嗎|呢|吧|[了過]", text):
            return False
        body = TOPIC.sub("", text, count=1)
        name = self._opening_name(body)
        if not name:
            return False
        which = re.search(r"哪些|哪幾|哪一些|多少", body)
        work = body[len(name) : which.start()] if which else ""
        return bool(which) and self._has_predicate(work.lstrip("，, ")) and len(work) >= 4

    def _may_instruct(self, sentence: Sentence, council: bool) -> bool:
        """Could this sentence be the chair's (or, in council, the mayor's) instruction?"""
        # One voice running the chair's words into the next speaker's "報告副市長，…": only the
        # chair's part can veto.
        text = NEXT_TURN.split(sentence.text)[0] if not council else sentence.text
        # In run-on speech the chair's next item ("…交由環保局負責好第五案…") shares the
        # sentence: only what comes before it can veto the instruction.
        head = NEXT_ITEM.split(text)[0] if len(text) > 40 else text
        item = PROCEDURE.search(head)
        if item and DECISION.search(head[: item.start()]):
            head = head[: item.start()]  # "照案通過，社會局五月底前完成公告，第二案，…"
        elif item and item.start() <= 3 and ITEM_DECIDED.match(head[item.end() :]):
            # "好，第一案保留，水利處跟法務局把罰則再研究清楚，…": the item named, decided, and
            # the work it leaves
            head = head[item.end() :]
            later = PROCEDURE.search(head)
            head = text = head[: later.start()] if later else head
        if READING_BACK.search(head) or QUESTION_END.search(head) or PROCEDURE.search(head):
            return False
        if council and ANNOUNCES_TOPIC.search(head):
            return False  # "交通局長好，我今天先講公車": a councillor opening, not an answer
        if (
            re.match(r"^(?:好，)?(?:先|再|那)?請", text)
            and re.search(r"(?:補充|說明|報告|答復|回應|發言)(?:一下)?[。！]?$", text)
            and not _has_deadline(text)
        ):
            return False  # "請衛生局，社會局補充。" hands over the floor
        if council and COUNCILLOR_VOICE.search(text) and not _mayor_answers_last(text):
            return False
        if not council:
            # A chair may say 我要求 too ("我要求翡管局都報告一次最新的水位"), but not with a
            # councillor's office: "我要求捷運局一週內把資料送到我的辦公室"
            rest = text.replace("我要求", "")
            if COUNCILLOR_ONLY.search(rest) or (rest != text and COUNCILLOR_VOICE.search(rest)):
                return False
        reporting = _in_agency_voice(text)
        # A decision said first is no opinion on what follows it in the same breath:
        # "好，這案修正通過，財政局會同主計處，下個月底前把清單…整理出來。"
        found = [m for m in (DECISION.search(text), SETTLED.search(text)) if m]
        decided = min(found, key=lambda m: m.start()) if found else None
        if OPINION.search(text[decided.end() :] if decided and decided.start() <= 10 else text):
            return False
        if reporting:
            # "由新工處負責，年底前把…完成，我們也會按月跟議員報告": the instruction comes first.
            return self._instruction_before_report(text)
        if council:
            # Councillors' demands carry their own voice (我要求, 本席, 給我辦公室…), vetoed above.
            return True
        if sentence.floor == "chair":
            return True
        # A chair interjecting in an agency's turn speaks of agencies in the third person.
        return self._strong_instruction(text, speaker=sentence.speaker_agency)

    def _instruction_before_report(self, text: str) -> bool:
        for clause in _clauses(text):
            if _in_agency_voice(clause):
                return False
            body = TOPIC.sub("", clause, count=1)
            agencies = self._acting_agencies(body)
            if (
                agencies
                and re.match(r"^(?:請|麻煩|交由|由|交給)", body)
                and self._starts_instruction(body, agencies)
            ):
                return True
        return False

    def _interjects(self, text: str, speaker: str | None) -> bool:
        reporting = _in_agency_voice(text)
        return (
            not reporting
            and not OPINION.search(text)
            and self._strong_instruction(text, speaker=speaker)
        )

    def _strong_instruction(self, text: str, *, speaker: str | None = None) -> bool:
        """An instruction addressed to a named agency: "環保局跟交通局，一週內…", "所以請…"."""
        clauses = _clauses(text)
        for clause in self._run_on_split(clauses, clauses)[0]:
            spoken = TOPIC.sub("", clause, count=1)
            body = re.sub(
                r"^(?:所以|因此|那就|就|這個部分|這部分|這件事|這個|部分(?=請))", "", spoken
            )
            agencies = self.agencies.find_in_text(body)
            if len(agencies) < len(self.agencies.find_in_text(spoken)):
                body, agencies = spoken, self.agencies.find_in_text(spoken)  # 就服處 is a name
            if not agencies:
                continue
            requested = bool(
                re.match(
                    r"^(?:也|再|並|同時|就)?(?:請|麻煩|拜託|交由|由|交給|我們就請|我要求|讓(?=.{2,8}去))",
                    body,
                )
            )
            onward = text[max(0, text.find(body)) :]  # what is said from this clause on
            if agencies[0].code == speaker and not requested and not _firm_instruction(onward):
                continue  # an agency naming itself is reporting: "衛生局這邊，…已經協調好"
            name = _first_name(body, agencies[0])
            if name and re.search(r"(?:需要|希望|要)請$", body[: body.find(name)]):
                continue  # in an agency's turn, "今年一樣要請交通局支援" is what it needs
            addressed = bool(name) and body.startswith(name or "")
            if (addressed or requested) and self._starts_instruction(body, agencies):
                return True
            told = LEAD_IN.sub("", body)
            if (
                name
                and not addressed
                and told.startswith(name)
                and self._starts_instruction(body, agencies)
            ):
                return True  # "會後主計處傳到群組" in another's turn
            if name and not addressed and self._sent_after_subject(body, name):
                return True  # "上下學時段的校門口教育局去協調交警大隊" run on, in another's turn
            if (
                addressed
                and (agencies[0].code != speaker or not re.search(r"我", text))
                and self._has_predicate(body)
                and _has_deadline(onward)
                and re.search(r"要|務必|必須|一定|把|趕快|馬上|立刻", onward)
                and not DONE_OR_PLANNED.search(onward)
                and not REPORTED_TO_HEAD.search(onward)
            ):
                return True  # "公運處出面去跟客運業者談，…下禮拜五前要把課表排出來" in its turn
            partners_only = bool(name) and self._only_partners(
                body[body.index(name or "") + len(name or "") :]
            )
            if self._told_mid_sentence(body, name) and (self._has_predicate(body) or partners_only):
                return True  # the task may follow: "…這部分交給公運處，下週三以前提出…"
            if requested and partners_only:
                return True  # "這部分就由政風處會同人事處。" and the task next
            rest = self.agencies.strip_names(body[len(name or "") :])
            if (
                addressed
                and not self._has_predicate(body)
                and (len(rest) <= 8 or re.match(r"(?:這邊)?(?:那|這)(?:個|幾|些)", rest))
            ):
                # "環保局跟交通局，" — the instruction follows in the next clause; a long clause
                # ("交通局這邊的規劃第一個是…") is the agency's own report going on.
                return True
        return False

    def _only_partners(self, text: str) -> bool:
        """Nothing but partners: "", "跟工務局一起", "會同人事處", "、社會局協助"."""
        rest = self.agencies.strip_names(text).strip("。，！ ")
        return not rest or bool(
            re.fullmatch(
                r"(?:(?:也|要|來)?(?:配合|協助|會同|協同|偕同|跟|和|與|及|、|一起)[〇、，\s]*)+",
                rest,
            )
        )

    def _told_mid_sentence(self, body: str, name: str | None) -> bool:
        """An agency told what to do after other words, as a single voice runs turns together:
        "這六十幾盞公園處三天內修好", "南部已經出現病例請衛生局跟環保局盡快督導"."""
        if not name:
            return False
        at = body.index(name)
        before = body[max(0, at - 6) : at]
        after = body[at + len(name) :]
        if before.endswith(("請", "麻煩", "拜託", "責成", "交代", "交給", "交由")) or (
            before.endswith("由") and re.match(r"(?:會同|協同|偕同|主政|主辦|負責|統籌)", after)
        ):
            # "我們已經請…", "有請…", "會請…" report a request or hand over the floor; "我建議請…",
            # "是不是請…" suggest one. "…的站位先挑人多的這部分交給公運處": the work handed over.
            return not re.search(
                r"[已有會曾都也](?:請|交給|交由)$|已經(?:有)?(?:請|交給|交由)|之前|上次|先前|建議|希望"
                r"|是不是|可不可以|能不能",
                before,
            )
        if after.startswith("把") and _firm_instruction(after) and _has_deadline(after):
            return True  # "…不要延誤研考會把逾期的案件列管本週五前把清單給各機關"
        while True:  # past the co-agencies: "資訊局會同人事處三個禮拜內…"
            joined = re.match(r"(?:會同|協同|偕同|跟|和|與|及|、)", after)
            if not joined:
                break
            named = self.agencies.find_in_text(after[joined.end() : joined.end() + 12])
            partner = _first_name(after[joined.end() :], named[0]) if named else None
            if not partner or not after[joined.end() :].startswith(partner):
                break
            after = after[joined.end() + len(partner) :]
        return deadline_at_start(re.sub(r"^(?:要|在|於|務必|一定要)", "", after))

    def _topic_agency(self, sentences: list[Sentence], index: int) -> Agency | None:
        """The agency the chair is addressing: named just before in the same turn with a topic marker."""
        current = sentences[index]
        for back in range(index - 1, max(-1, index - 3), -1):
            previous = sentences[back]
            if previous.floor != current.floor:
                return None
            found = self.agencies.find_in_text(previous.text)
            ends_on_topic = re.search(
                r"(?:這個部分|這部分|的部分|這邊|那邊|方面|你們)[，。]?$|(?:這邊|那邊)呢|的狀況",
                previous.text,
            )
            # "好，我了解，工務局這邊4.6%還是太高了。" — a remark, the instruction next.
            opening = ADDRESS_OPENING.search(previous.text)
            remark = opening and not MODAL.search(previous.text[opening.end() :])
            if found and (ends_on_topic or remark):
                near = self.agencies.find_in_text(previous.text[-16:])
                return near[-1] if near else found[0]  # "…動作很快，衛生局這邊"
            if found:
                return None
        return None

    def _candidates(
        self,
        sentence: Sentence,
        topic: Agency | None,
        carried: _Pending | None = None,
        addressed: Agency | None = None,
        *,
        you_told: bool = False,
        told_by_chair: bool = True,
        implied: Agency | None = None,
    ) -> list[_Candidate]:
        """Group the sentence's clauses into instructions.

        ``carried`` is an addressee left without a task at the end of the sentence before
        ("請環保局會同各區公所" | "一週內把時間表公告清楚"): a recogniser cuts sentences at pauses,
        not where the grammar ends. What this sentence leaves so is kept in ``self._left_over``.
        ``addressed`` is the agency of the head the chair turns to by title ("局長，"), if known;
        with ``you_told`` (outside the council, where councillors say 你們 to the government),
        "你們" turns to it too. ``told_by_chair`` (outside the council, or the mayor's words in
        it) lets a title or a plain "X局去…" address an agency; councillors' words need a request.
        ``implied`` is the agency that has just reported, which a chair's answer with a must and
        a deadline but no name gives the work to ("三天內要拿出補強方案").
        """
        analysed, original = self._run_on_split(
            _clauses(sentence.text), _clauses(sentence.segment.text)
        )
        candidates: list[_Candidate] = []
        pending: list[tuple[str, str]] = list(carried.clauses) if carried else []
        # An addressee waits for the clause that makes it work: a must, a deadline or a bare
        # imperative ("資訊局點名出來，協同人事處安排補課，三個工作日內把名單發給…"); an agency
        # naming itself and then a plan ("衛生局這邊，現場會設置四個醫護站") never gets one.
        pending_agency: Agency | None = carried.agency if carried else None
        title: str | None = None  # "局長，": an addressee by title, its agency perhaps unknown
        subject: tuple[str, str] | None = None
        after_floor = False  # the addressee was handed the floor: only a must with a deadline
        earlier: Agency | None = pending_agency or topic
        closed = False  # after the floor is handed over, nothing more joins the last instruction
        asides: list[tuple[str, str]] = []  # facts said to the one addressed, before the work
        correcting = False  # the chair correcting the work just given, clause by clause
        # the subject and the clause of an agency told by name, while its work is pending
        told: tuple[tuple[str, str] | None, tuple[str, str]] | None = None
        for at, (clause, raw) in enumerate(zip(analysed, original, strict=True)):
            after_floor = after_floor and bool(pending)
            if self.hands_over_floor(clause):
                pending, pending_agency, title, closed = [], None, None, True
                given = self._acting_agencies(clause)
                if given:  # "觀傳局先跟大家說一下預算，月底前要送議會": work given with the floor
                    pending, pending_agency, after_floor = [(clause, raw)], given[0], True
                continue
            if TURN_OPENING.match(clause):
                pending, pending_agency, title, closed = [], None, None, True
                continue  # "報告副市長，…": the next speaker's turn, run on by one voice
            vocative = TITLE_ADDRESS.match(clause) if told_by_chair else None
            if vocative and not pending:
                pending, pending_agency, title = [(clause, raw)], addressed, vocative.group("title")
                continue
            if (
                you_told
                and not pending
                and not candidates
                and YOU_ADDRESSED.search(clause)
                and not self.agencies.find_in_text(clause)
            ):
                # "你們本週五前要更新好": the agency that just spoke, told; the work may follow
                pending, pending_agency, title = [], addressed, "你們"
            closed = closed or _starts_new_thought(clause)  # "好，第五案…" moves on
            agencies = self._acting_agencies(clause)
            if (
                agencies
                and candidates
                and at > 0
                and CORRECTION.search(analysed[at - 1])
                and candidates[-1].lead is not None
                and agencies[0] != candidates[-1].lead
                # "…，啊，不對，班次要看警察局的管制計畫，那就改成下週三前": whose plan, not who
                and not _names_whose(clause, agencies[0])
            ):
                # "財政局看一下第二預備金，喔，不對，預備金是主計處管的": told the wrong agency
                candidates.pop()
                closed = True
            if (
                candidates
                and not closed
                and not pending
                and at > 0
                and (correcting or CORRECTION.search(analysed[at - 1]))
                and all(_names_whose(clause, a) for a in agencies)
            ):
                # "…本週五前跟業者敲定，啊，不對，班次要看警察局的管制計畫，那就改成下週三前":
                # the correction goes on with the work just given
                candidates[-1].clauses.append((clause, raw))
                correcting = True
                continue
            correcting = False
            if (
                at == len(analysed) - 1
                and at > 0
                and not pending
                and not candidates
                and told_by_chair
                and agencies
                and self._is_exact_agency(clause.strip("。！ "))
                and self._work_before_name(sentence.text)
            ):
                # "下次會報前韓文的稿子要先出來，觀傳局。": whom, said last
                clauses = list(zip(analysed, original, strict=True))
                candidates.append(_Candidate(clauses, agencies[0], head=len(clauses)))
                continue
            starts = self._starts_instruction(clause, agencies, plain=told_by_chair)
            said_before, subject = subject, None
            if (
                not agencies
                and not pending
                and (
                    TOPIC_END.search(clause)
                    or self._object_first(clause, analysed[at + 1 :])
                    or self._whether_first(clause, analysed[at + 1 :])
                )
            ):
                # "宣傳的部分，由體育局牽頭", "停機的公告，資訊局明天就發": the subject, then the work
                subject = (clause, raw)
                continue
            before = [said_before] if said_before else []
            if (
                agencies
                and candidates
                and candidates[-1].lead is not None
                and not closed
                and not pending
                and (
                    re.search(r"給(?:他們|他|她們|她)(?!的)", clause)
                    or ("把" in clause and candidates[-1].lead.code in self._receivers(clause))
                    or _supplies(clause, agencies[0])  # "…請資訊局做，秘書處提供需求"
                )
            ):
                # "觀傳局把疏運資訊整理成一頁，交通局跟捷運公司的資料都給他們", "…原民會下週三前
                # 公告，公運處先把加班車的路線排出來給原民會": suppliers of the work just given
                # share it
                candidates[-1].clauses += [*before, (clause, raw)]
                candidates[-1].partners += [a for a in agencies if a != candidates[-1].lead]
                continue
            first_is_co = bool(agencies) and _co_prefixed(clause, agencies[0])
            if starts and first_is_co and pending_agency is None and earlier and not candidates:
                pending_agency = earlier  # "教育局…，會同衛生局，月底前把…"
            if agencies:
                earlier = agencies[0]
            if starts:
                lead = self._helped(clause, agencies) if agencies else None
                said = None if lead else _unknown_agency(clause)
                helps = bool(ONLY_HELPS.match(self.agencies.strip_names(clause)))
                if (
                    candidates
                    and lead
                    and (
                        _joins_previous(clause, lead, candidates[-1])
                        or helps
                        or (not closed and _part_joins(clause, lead))
                    )
                ):
                    candidates[-1].clauses.append((clause, raw))  # "觀傳局跟捷運公司配合…"
                    continue
                if (
                    candidates
                    and lead is not None
                    and not closed
                    and (
                        self._uses_supply(candidates[-1], clause, lead)
                        or self._leads_what_was_said(clause, lead)
                    )
                ):
                    _hand_lead(candidates[-1], lead, [*before, (clause, raw)])
                    continue
                if (
                    candidates
                    and candidates[-1].leads_all
                    and lead is not None
                    and lead != candidates[-1].lead
                    and not closed
                    and not pending
                ):
                    candidates[-1].clauses += [*before, (clause, raw)]
                    candidates[-1].partners += [a for a in agencies if a != candidates[-1].lead]
                    continue
                if (
                    (pending_agency or title)
                    and lead is not None
                    and (
                        _co_prefixed(clause, lead)
                        or helps
                        # "衛生局，…，場地請民政局幫忙協調…": the helper of the one addressed
                        or (pending_agency is not None and _is_partner(clause, lead))
                    )
                ):
                    lead = pending_agency  # "交通局這邊，跟捷運公司把…" — the addressee leads
                    said = title if lead is None else None
                if (
                    told is not None
                    and pending_agency is not None
                    and pending[0] == told[1]
                    and lead is not None
                    and lead != pending_agency
                    and REQUEST.search(clause[: clause.find(_first_name(clause, lead) or "")])
                ):
                    # "門禁在火警時自動解鎖，公管中心寫進規格，規格寫好以後，請消防局來看一次":
                    # the agency told by name has its work; one asked to act after it is done
                    # shares it, anyone else has work of their own
                    first = [*([told[0]] if told[0] else []), *pending]
                    if re.search(r"(?:以後|之後|完後|好後)$", pending[-1][0]):
                        candidate = _Candidate(
                            [*first, (clause, raw)], pending_agency, head=len(first)
                        )
                        candidate.partners = [lead]
                        candidates.append(candidate)
                        closed, told = False, None
                        pending, pending_agency, title = [], None, None
                        continue
                    candidates.append(_Candidate(first, pending_agency, head=len(first)))
                    pending, pending_agency = [], None
                told = None
                clauses = [*before, *pending, (clause, raw)]
                candidate = _Candidate(clauses, lead, said, head=len(clauses))
                candidate.context = [*before, *(c for c in pending if c in asides)]
                if (
                    pending_agency is not None
                    and lead is not None
                    and lead != pending_agency
                    and not any(re.search(HELPS, c) for c, _ in pending)
                ):
                    # "都發局跟地政局最多，研考會把這兩個機關排進考評": those named before
                    # the one told are what it is told about, not its partners
                    candidate.context += pending
                    candidate.told_about = list(pending)
                candidate.leads_all = lead is not None and self._said_to_lead(clause, lead)
                candidates.append(candidate)
                closed = False
                pending, pending_agency, title = [], None, None
            elif (
                agencies
                and candidates
                and not pending
                and (
                    _co_prefixed(clause, agencies[0])
                    or _joins_previous(clause, agencies[0], candidates[-1])
                    or ONLY_HELPS.fullmatch(self.agencies.strip_names(clause))
                )
            ):
                candidates[-1].clauses.append(
                    (clause, raw)
                )  # "由民政局負責，會同消防局，…" / "社會局協助"
            elif (
                agencies
                and pending_agency is not None
                and len(pending) == 1
                and self._is_exact_agency(pending[0][0].strip("，。 "))
                and re.search(r"已經|了$", clause)
            ):
                # "建管處，圖公管中心已經備齊了，你們跟消防局一起預審": a fact said to the one
                # addressed, who is still the one told
                pending.append((clause, raw))
                asides.append((clause, raw))
            elif (
                agencies
                and (not self._has_predicate(clause) or _names_a_topic(clause, agencies[0]))
                and not QUESTION_END.search(clause)
                # "兩處都是秘書處經管": the agency said of something, no one turned to
                and not re.search(
                    r"(?<![但就還也要])是$",
                    clause[: clause.find(_first_name(clause, agencies[0]) or "")],
                )
                and not (pending and _is_partner(clause, agencies[0]))  # "…，法務局協助，"
            ):
                # "都發局這個部分，" / "捷運局跟新工處，" / "研考會那個轉派錯誤的統計，": the
                # instruction follows ("消防局可以協助公管中心，": for the one helped).
                pending, pending_agency, title = (
                    [(clause, raw)],
                    self._helped(clause, agencies),
                    None,
                )
                after_floor, subject = False, said_before
            elif (
                agencies
                and not pending
                and (closed or not candidates)
                and told_by_chair  # councillors tell agencies too: only their requests count
                and self._told_by_name(clause, agencies[0])
            ):
                pending, pending_agency, title = (
                    [(clause, raw)],
                    self._helped(clause, agencies),
                    None,
                )
                after_floor, subject = False, said_before  # "戶所的做法，民政局整理成…，月底前…"
                told = (said_before, (clause, raw))
            elif (
                (pending_agency or title)
                and (
                    (_has_deadline(clause) and re.search(r"要|把|務必|一定", clause))
                    if after_floor
                    else (
                        MODAL.search(clause)
                        or _has_deadline(clause)
                        or IMPERATIVE_VERBS.match(YOU.sub("", clause))
                        or POLITE_ASK.search(clause)  # "…，能不能訂一個三天的標準。"
                        # "觀傳局，…，散場的交通資訊也一起放上網"
                        or (re.search(r"也一起", clause) and self._has_predicate(clause))
                    )
                )
                and _is_instruction_tone(clause)
                and not OPINION.search(clause)
            ):
                clauses = [*before, *pending, (clause, raw)]
                said = title if pending_agency is None else None
                candidate = _Candidate(clauses, pending_agency, said, head=len(clauses))
                # "議員已經在關心了" explains; it does not instruct
                candidate.context = [*before, *pending[1:]]
                candidates.append(candidate)
                closed = False
                pending, pending_agency, title = [], None, None
            elif (
                (pending_agency or title)
                and (not agencies or _is_partner(clause, agencies[0]))
                and len(pending) < 3
            ):
                pending.append((clause, raw))  # "都發局這個部分，逾期的12件，兩週內…"
            elif (
                agencies
                and candidates
                and not closed
                and self._uses_supply(candidates[-1], clause, agencies[0])
            ):
                _hand_lead(candidates[-1], agencies[0], [*before, (clause, raw)])
            elif candidates and not closed and not _starts_new_thought(clause):
                candidates[-1].clauses.append((clause, raw))
            elif (
                (topic or implied) is not None
                and not candidates
                and not agencies
                and not _starts_new_thought(clause)
                and _is_instruction_tone(clause)
                and self._has_predicate(clause)
                and MODAL.search(clause)
                and (topic is not None or self._told_implied(clause))
            ):
                # "第二梯次至少再開五百個，八月中旬前開放報名": what was said before it, in the
                # same breath and naming no one, is the same work
                spoken = list(zip(analysed[:at], original[:at], strict=True))
                named = any(self.agencies.find_in_text(c) for c, _ in spoken)
                clauses = [*([] if named else spoken), (clause, raw)]
                candidates.append(_Candidate(clauses, topic or implied, head=len(clauses)))
        self._left_over = (
            _Pending(pending, pending_agency) if pending_agency and not after_floor else None
        )
        return candidates

    def _short_subject(self, said: str, longest: int = 6) -> bool:
        """What the work is about, said before the agency told to do it: a noun phrase
        ("需求調查", "契約範本", "人潮的即時資訊", "上下學時段的校門口"), no verb, no agency,
        no one speaking or asked."""
        return bool(
            said
            and (len(said) <= longest or re.fullmatch(r"[^的]{1,5}的[^的]{2,6}", said))
            and not self._has_predicate(said)
            and not self.agencies.find_in_text(said)
            and not re.search(r"[我你他讓要不請會在是有都也就把給被說了]|每|常常|一直|的$", said)
        )

    def _sent_after_subject(self, body: str, name: str) -> bool:
        """A subject, then an agency sent to work on it: "校門口教育局去協調交警大隊"."""
        before, _, after = body.partition(name)
        return bool(
            len(before) >= 4
            and self._short_subject(before, longest=12)
            and SENT_TO_DO.match(_past_partners(self.agencies.strip_names(after)))
            and not DONE_OR_PLANNED.search(after)
            and _is_instruction_tone(body)
        )

    def _just_reported(self, sentences: list[Sentence], index: int) -> Agency | None:
        """The agency whose report the chair answers now: it spoke last, named, and the chair
        has said nothing since but a verdict ("這個太慢了。")."""
        if sentences[index].floor != "chair" or any(
            not _is_partner(clause, agency)  # "…，勞動局的就服處也一起幫忙找企業" only helps
            for clause in _clauses(sentences[index].text)
            for agency in self._acting_agencies(clause)
        ):
            return None
        after = sentences[index + 1] if index + 1 < len(sentences) else None
        if after and after.floor == "chair" and self.agencies.find_in_text(after.text):
            return None  # "開學前就要知道能不能用。這件事教育局當窗口…": the name comes next
        for back in (index - 1, index - 2):
            if back < 0:
                return None
            previous = sentences[back]
            if previous.floor == "chair":
                if (
                    back == index - 1
                    and not self.agencies.find_in_text(previous.text)
                    and (
                        CHAIR_REACTION.match(previous.text)
                        or CHAIR_VERDICT_LAST.search(previous.text)
                        or len(previous.text) <= 8
                    )
                ):
                    continue
                return None
            if previous.speaker_agency and previous.speaker_named:
                return self.agencies.get(previous.speaker_agency)
            return None
        return None

    def _told_implied(self, clause: str) -> bool:
        """Work for the agency that just reported, said without its name: a must and a deadline,
        nobody else named, nothing said of oneself (大家, 各機關 and 我們 are others)."""
        return bool(
            _has_deadline(clause)
            and (re.search(r"要|務必|必須|一定|把", clause) or self._by_when_then_work(clause))
            and not re.search(r"我|大家|各位|(?<![給到])各機關|各單位|你們", clause)
            and not OTHERS_FIRST.match(TOPIC.sub("", clause, count=1))
            and not DONE_OR_PLANNED.search(clause)
            and not QUESTION_END.search(clause)
        )

    def _by_when_then_work(self, clause: str) -> bool:
        """By when, then what to do, a thing perhaps named first: "本週五前上網", "名單五個工作天
        內再確認一次", "下週三前發給各機關" (not "下週三前會…", "年底前的數字")."""
        said = deadline_then(TOPIC.sub("", clause, count=1))
        if said is None:
            return False
        before, rest = said
        return (
            not self.agencies.find_in_text(before)
            and not re.search(r"[我你他是有會在了]", before)
            and _said_as_work(rest)
            and _requested_work(rest)
        )

    def _uses_supply(self, previous: _Candidate, clause: str, lead: Agency) -> bool:
        """Is ``lead`` told to work on what the previous instruction has another agency supply
        it: "…列一張清單給勞檢處" | "勞檢處去抽查", "…把地點整理出來" | "新工處依照這份清單…"."""
        if previous.lead is None or previous.lead == lead:
            return False
        said = "，".join(c for c, _ in previous.clauses)
        name = _first_name(clause, lead)
        if not name or not clause.startswith(name):
            return False
        after = clause[len(name) :]
        if lead.code in self._receivers(said) and re.search(r"(?:清單|名單|資料|地點|數據)", said):
            return True
        return bool(
            re.match(r"(?:就)?(?:依照|根據|按照|照)(?:這份|這個|這些|那份)", after)
            and re.search(r"把.{1,12}(?:整理|列|彙整|找|盤點|清查)", said)
        )

    def _acting_agencies_of(self, text: str, *, partners: bool) -> list[Agency]:
        """The agencies a sentence gives a part, only the helpers (``partners``) or only the
        others: "商圈的店家請產業局幫忙找進來" names a helper."""
        return [
            agency
            for clause in _clauses(text)
            for agency in self._acting_agencies(clause)
            # "…，另外也請工務局協助確認施工安全": 另外 starts a piece of work of its own
            if (_is_partner(clause, agency) and not _starts_new_thought(clause)) == partners
        ]

    def _leads_what_was_said(self, clause: str, lead: Agency) -> bool:
        """ "…十天內把整個排班表排出來，這個就請衛生局來整合": the lead of the work just
        given, named after it."""
        name = _first_name(clause, lead)
        return bool(
            name
            and re.match(
                rf"^(?:這個|這件事|這部分|這些|整個)(?:就|都)?(?:請|由|交給){re.escape(name)}"
                r"(?:來|去)?(?:整合|負責|統籌|主政|主責|牽頭|彙整|主辦)",
                TOPIC.sub("", clause, count=1),
            )
        )

    def _said_to_lead(self, clause: str, lead: Agency) -> bool:
        """ "避寒處所社會局牽頭", "觀傳局負責內容": the agency is named the lead of the whole."""
        name = _first_name(clause, lead)
        after = clause[clause.find(name) + len(name) :] if name else ""
        return bool(re.match(r"(?:這邊)?(?:來)?(?:牽頭|負責|主責|統籌|帶頭|主政)", after))

    def _helped(self, clause: str, agencies: list[Agency]) -> Agency:
        """Who leads: the first agency named, unless it is asked to help the next one
        ("請資訊局協助研考會分一分": 研考會 leads, 資訊局 helps)."""
        first = agencies[0]
        name = _first_name(clause, first)
        if len(agencies) < 2 or not name:
            return first
        after = clause[clause.find(name) + len(name) :]
        # 協助 names whom it helps; 幫/支援 may name whom it serves ("幫警察局把系統建起來")
        # Not 配合: "請各區公所配合交通局，…把說明會辦完" is the offices' work (labellers agree 2:1)
        helping = re.match(r"(?:這邊)?(?:來|先|去|要|可以|也)?協助", after)
        second = _first_name(after, agencies[1]) if helping else None
        if helping and second and after[helping.end() :].startswith(second):
            return agencies[1]
        return first

    def _object_first(self, clause: str, rest: list[str]) -> bool:
        """A short noun phrase said before the agency told to act on it: "停機的公告，",
        "替代道路那張圖，", "超過的那六個，" (a verb after 的 names a thing)."""
        if (
            not rest
            or len(clause) > 14
            or _starts_new_thought(clause)
            or CHAIR_OPENERS.match(clause)
        ):
            return False
        # "二十天內，資訊局跟秘書處分頭去催": the deadline first, on its own
        deadline_only = (
            len(clause) <= 8
            and "的" not in clause
            and deadline_at_start(clause)
            and not self._has_predicate(clause)
        )
        # "利息補貼的預算": 的 makes what comes before it describe the thing named last
        named_thing = bool(re.search(r".的[\u4e00-\u9fff]{1,4}$", clause))
        if not deadline_only and (
            re.search(r"[我你他已很太真]|要|請|會|了|嗎|呢|是|(?<!所)有|非常", clause)
            or _has_deadline(clause)
            or (not named_thing and self._has_predicate(clause))
        ):
            return False
        return self._agency_opens(rest[0])

    def _agency_opens(self, clause: str) -> bool:
        """The clause opens on the agency it sends: "工務局長去想辦法", "請資訊局…"."""
        following = LEAD_IN.sub("", TOPIC.sub("", clause, count=1))
        following = re.sub(r"^(?:就|也|再)?(?:請|麻煩|拜託|交由|交給|由)", "", following)
        agencies = self._acting_agencies(following)
        name = _first_name(following, agencies[0]) if agencies else None
        return bool(name) and following.startswith(name or "")

    def _whether_first(self, clause: str, rest: list[str]) -> bool:
        """What is to be found out, said before the agency sent to find it: "整條路能不能提前到
        年底前發包，工務局長去想辦法"."""
        return (
            bool(rest)
            and bool(WHETHER.search(clause))
            and not QUESTION_END.search(clause)
            and not self.agencies.find_in_text(clause)
            and not re.search(r"[我你]", clause)
            and self._agency_opens(rest[0])
            and bool(FIND_OUT.search(rest[0]))
        )

    def _introduces_itself(self, text: str) -> str | None:
        """The agency that opens its turn by name: "衛生局報告，…", "社會局補充一下，…"."""
        # "臨時動議，民政局報告，…": the item named first, then who speaks
        opening = SELF_INTRODUCTION.match(re.sub(r"^(?:臨時動議|另外|還有|最後)，", "", text))
        if opening is None or not self._is_exact_agency(opening.group("who")):
            return None
        return self.agencies.resolve(opening.group("who")).code

    def _addressed_agency(self, sentences: list[Sentence], index: int) -> Agency | None:
        """The agency of the head the chair turns to by title, or of "你們": the one that last
        had the floor, if its kind fits the title (局長 a 局, 處長 a 處); None when the words do
        not say."""
        text = sentences[index].text
        # Cut into clauses only when a title opens the sentence (most sentences have none).
        opening = TITLE_ADDRESS.match(_clauses(text)[0]) if TITLE_NEAR_START.match(text) else None
        if opening is None and not YOU_ADDRESSED.search(text):
            return None
        title = opening.group("title").removeprefix("副").removeprefix("大") if opening else ""
        reach = 8 if title else 3  # "你們" has no title to check the guess by
        for back in range(index - 1, max(-1, index - reach), -1):
            previous = sentences[back]
            if previous.floor != "chair" and previous.speaker_agency:
                if not title and not previous.speaker_named:
                    return None  # "你們" with no title to check it by: the speaker must be sure
                agency = self.agencies.get(previous.speaker_agency)
                kinds = TITLE_KINDS.get(title)
                fits = kinds is None or any(n.endswith(kinds) for n in agency.names)
                return agency if fits else None
        return None

    def _told_by_name(self, clause: str, agency: Agency) -> bool:
        """The clause opens on the agency and says what it is to do, in the chair's tone:
        "研考會去催", "資訊局點名出來", "建管處跟消防局聯手抽查老舊公寓的逃生梯"."""
        body = LEAD_IN.sub("", SUBJECT_FIRST.sub("", TOPIC.sub("", clause, count=1)))
        name = _first_name(body, agency)
        if name and not body.startswith(name):
            # A short subject first, then the agency sent to work on it: "契約範本教育局來改".
            subject, _, rest = body.partition(name)
            if self._short_subject(subject) and re.match(
                r"(?:來|去|要|先|再|負責|主責|想辦法)", rest
            ):
                body = body[len(subject) :]
        return bool(
            name
            and body.startswith(name)
            and self._has_predicate(body[len(name) :])
            and _is_instruction_tone(clause)
            and not DONE_OR_PLANNED.search(clause)
            and not AGENCY_VOICE.search(clause)
            and not QUESTION_END.search(clause)
            and not self.hands_over_floor(clause)
            and not re.match(
                r"(?:這邊|那邊)?(?:的|是|有|也有|都有|在|報告|說明|補充|回應)", body[len(name) :]
            )
        )

    def _run_on_split(
        self, analysed: list[str], original: list[str]
    ) -> tuple[list[str], list[str]]:
        """Break run-on recognised speech where a new agency is told what to do.

        "…每週回報給我環保局會同各區公所…": once a clause has said what to do, an agency
        named next with a must, a partner or a request ("環保局要", "環保局會同", "請環保局")
        starts a new instruction, as a full stop would have shown.
        """
        if len(original) != len(analysed) or any(
            len(a) != len(o) for a, o in zip(analysed, original, strict=True)
        ):
            original = analysed
        split_a: list[str] = []
        split_o: list[str] = []
        for clause, raw in zip(analysed, original, strict=True):
            cuts = self._run_on_cuts(clause) if len(clause) > 12 else []
            for start, end in zip([0, *cuts], [*cuts, len(clause)], strict=True):
                split_a.append(clause[start:end])
                split_o.append(raw[start:end])
        return split_a, split_o

    def _run_on_cuts(self, clause: str) -> list[int]:
        cuts: list[int] = []
        for agency in self.agencies.find_in_text(clause):
            name = _first_name(clause, agency)
            position = clause.find(name) if name else -1
            while name and position > 0:
                asked = REQUEST_BEFORE_NAME.search(clause[:position])
                start = asked.start() if asked else position
                before = clause[(cuts[-1] if cuts else 0) : start]
                after = clause[position + len(name) :]
                if (
                    (len(before) >= 6 or TOPIC_END.search(before))
                    and not CO_BEFORE.search(before)
                    and not RECEIVER_BEFORE.search(before)
                    # "民政局請督導各區公所每週把…": the agency is the one supervised
                    and not re.search(
                        r"(?:督導|督促|要求|通知|協調|會商|輔導|指導|提醒|找|邀請?)$", before
                    )
                    # "五月中旬前把計畫交給秘書處": what is handed over with 把 is received
                    and not (asked and asked.group().startswith("交") and "把" in before)
                    and (
                        TOLD_AFTER.match(after)
                        or (start < position and _has_predicate(self.agencies.strip_names(before)))
                    )
                ):
                    cuts.append(start)
                position = clause.find(name, position + len(name))
        return sorted(set(cuts))

    def _acting_agencies(self, clause: str) -> list[Agency]:
        """Agencies named in the clause, without those that only receive the work, nor one
        that names the topic before the one told ("區公所的部分民政局，…")."""
        receivers = self._receivers(clause)
        found = [a for a in self.agencies.find_in_text(clause) if a.code not in receivers]
        if len(found) > 1:
            name = _first_name(clause, found[0]) or ""
            if re.match(
                r"(?:的部分|的部份|這部分|這一塊)", clause[clause.find(name) + len(name) :]
            ):
                return found[1:]
        return found

    def _starts_instruction(
        self, clause: str, agencies: list[Agency], *, plain: bool = True
    ) -> bool:
        """Does the clause give work to its first agency? ``plain`` (the chair's words; not a
        councillor's) lets an agency be sent without a must: "文化局去講", "會後主計處傳到群組"."""
        if QUESTION_END.search(clause) or self.hands_over_floor(clause):
            return False
        if self.gives_floor(clause) and not _has_deadline(clause):
            return False
        if not agencies:
            said = _unknown_agency(clause)
            # "請單下禮拜五前給秘書處" (清單 heard as 請單) names no office: a known one receives
            return (
                said is not None
                and not self.agencies.find_in_text(said)
                and not _has_deadline(said)
                and self._has_predicate(clause)
            )
        name = _first_name(clause, agencies[0])
        before = clause[: clause.find(name)] if name else ""
        after = clause[clause.find(name) + len(name) :] if name else clause
        if after.startswith("的") and re.search(r"(?:跟|和|與|及)$", before):
            return False  # "跟公管中心的點交要提早談": the agency names whose, not who
        if (
            re.search(r"(?:交給|交由|交辦)$", before)
            and "把" not in before  # "把調度表交給體育局": 體育局 receives
            # "…彙整一下，下週三前交給社會局": the receiver of what was just asked, by when
            and not _deadline_then(before, "交給")
            and self._only_partners(after)
        ):
            return True  # "這部分交給公運處", "…交給公管中心跟工務局一起": handed over whole
        if REQUEST.search(before[-6:]) and (
            re.search(r"市長[、，和跟及與]?$", before)
            or re.match(
                r"[、，和跟及與\s]*〇(?:長|副?(?:主委|主任|執行長|董事長|總經理|總?院長))",
                self.agencies.strip_names(after),
            )
        ):
            return False  # "請市長、警察局長、衛生局長…": heads invited to answer, one by one
        if REQUEST.search(before[-6:]) or re.search(
            r"由$|^(?:就|先|那就)?讓$|(?<![你他她])我(?:就)?要$", before
        ):
            # A request with a deadline is work even when its verb was misheard:
            # "我請消防局年底前在家中五千戶" (再加裝)
            return (
                self._has_predicate(after)
                or bool(LEADS.match(after))
                or deadline_at_start(re.sub(r"^(?:要|在|於|務必|一定要)", "", after))
                or _requested_work(after)
            )
        if LEADS.match(after) and _is_instruction_tone(clause) and not AGENCY_VOICE.search(clause):
            return True  # "這個消防局這邊來負責", "宣傳的部分體育局牽頭"
        if not _is_instruction_tone(clause):
            return False
        if not self._has_predicate(after):
            # "修好的要點秘書處三週內函頒": what, whom, by when, and a verb on no list
            said_first = TOPIC.sub("", before, count=1).strip("，, ")
            thing = not said_first or bool(
                re.fullmatch(r"[^的，,。我你他]{1,6}的[^的，,。]{1,5}", said_first)
                and not self.agencies.find_in_text(said_first)
            )
            return plain and thing and self._work_by_deadline(after)
        said_first = LEAD_IN.sub("", SUBJECT_FIRST.sub("", TOPIC.sub("", before, count=1)))
        # "需求調查信義區公所來做": a short subject, then the agency sent to do it
        addressed = not said_first or self._short_subject(said_first)
        # "交通局這邊的規劃…" names a plan (的 makes the verb a noun); it does not order one.
        bare_verb = any(
            m.start() == 0 or after[m.start() - 1] != "的" for m in IMPERATIVE_VERBS.finditer(after)
        ) or (plain and bool(SENT_TO_DO.match(_past_partners(self.agencies.strip_names(after)))))
        # "觀光傳播局用直播跟社群同步發出去": the agency, how, and any verb of action
        bare_verb = bare_verb or (
            plain
            and bool(re.match(r"(?:用|以|透過|在)[^，。的]{1,10}(?:同步|直接|馬上|一起)?", after))
            and _has_predicate(after)
            and not re.search(r"了|已經|過|的時候|的話", after)
        )
        # "會後主計處傳到群組", "明天資訊局發公告": when, said before whom
        when_before = plain and bool(re.search(r"會後|散會後|回去", before))
        return bool(MODAL.search(after)) or (addressed and (bare_verb or when_before))

    def _work_by_deadline(self, after: str) -> bool:
        """The agency, by when, and any verb phrase: "交通局本週五前跟業者敲定" (敲定 is on no
        verb list). Not whose ("本週五前的資料") and not a plan ("本週五前會…")."""
        rest = after_deadline(after)
        return (
            rest is not None
            and _said_as_work(rest)
            and not re.search(r"[？?]", rest)
            and _requested_work(
                re.sub(r"^(?:跟|和|與)[^，。]{1,6}?(?=[\u4e00-\u9fff]{2}$)", "", rest)
            )
        )

    def _directive(
        self,
        candidate: _Candidate,
        sentence: Sentence,
        meeting_date: date,
        meeting_type: str | None,
    ) -> Directive | None:
        analysed = "，".join(c for c, _ in candidate.clauses)
        original = "，".join(r for _, r in candidate.clauses).strip("，, ")
        head = "，".join(
            c for c, r in candidate.clauses[: candidate.head] if (c, r) not in candidate.context
        )
        head = self._from_request(head, candidate.lead)
        if not _is_instruction_tone(head) or (_in_agency_voice(head)):
            return None
        if PRAISE.search(analysed) and not (REQUEST.search(head) or _has_deadline(analysed)):
            return None
        flags: list[str] = []
        lead = candidate.lead
        if TITLE_ADDRESS.match(candidate.clauses[0][0]):
            told = "，".join(c for c, _ in candidate.clauses[1:])
            if REPORTED_TO_HEAD.search(told) or (lead is None and "你" not in told):
                return None  # a report to a head, or a title with nothing to say who
        if lead is None:
            if candidate.agency_said is None:
                return None
            by_title = TITLE_ADDRESS.match(candidate.agency_said) or candidate.agency_said == "你們"
            flags.append("no_agency" if by_title else "unknown_agency")
        shared = "，".join(c for c, r in candidate.clauses if (c, r) not in candidate.told_about)
        co = self._co_agencies(shared, lead)
        co += [a for a in dict.fromkeys(candidate.partners) if a not in co]
        deadline = None
        corrected = False
        for index, (clause, _raw) in enumerate(candidate.clauses):
            corrected = corrected or bool(CORRECTION.search(clause))
            if deadline is not None and not corrected:
                continue
            if index >= candidate.head and not (corrected or _is_instruction_tone(clause)):
                continue  # "氣象署說下週可能…" elaborates; it sets no deadline
            said = find_deadline(
                clause, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
            )
            if said is not None:
                deadline = said  # "本週五前公告，啊，不對，…那就改下週三前": the later one
                if corrected:
                    break
        if (
            deadline is not None
            and deadline.due is None
            and not deadline.urgent
            and deadline.basis != "下次會議日期未定"
        ):
            flags.append("deadline_unresolved")
        return Directive(
            text=original,
            lead_agency=lead.code if lead else None,
            # A head addressed by title names no agency: the reviewer fills it in.
            lead_agency_name=lead.short
            if lead
            else None
            if "no_agency" in flags
            else candidate.agency_said,
            co_agencies=[a.code for a in co],
            co_agency_names=[a.short for a in co],
            agency_said=candidate.agency_said,
            deadline_text=deadline.text if deadline else None,
            due=deadline.due if deadline else None,
            due_basis=deadline.basis if deadline else None,
            urgent=bool(deadline and deadline.urgent),
            span=_span([sentence]),
            flags=flags,
        )

    def _from_request(self, head: str, lead: Agency | None) -> str:
        """The head from the request on, when one runs on after other words: "…去年…不行我要
        公運處在五個工作日內" is judged from 我要."""
        name = _first_name(head, lead) if lead else None
        if not name or PAST_REQUEST.search(head):
            return head  # "上個月我請人事處做的…": a request made before
        asked = re.search(r"(?:我(?:就)?要|請|麻煩|拜託|交給|交由)$", head[: head.find(name)])
        return head[asked.start() :] if asked else head

    def _co_agencies(self, text: str, lead: Agency | None) -> list[Agency]:
        """Agencies that share the work: "會同財政局", "跟財政局一起", "社會局協助"."""
        receivers = self._receivers(text)
        co = []
        listed = self._listed_offices(text)
        for agency in self.agencies.find_in_text(text):
            if agency.code in listed:
                start, end, offices = listed[agency.code]
                if CO_WORDS.search(text[max(0, start - 4) : end + 4]):
                    co += [o for o in offices if not (lead and o.code == lead.code)]
                continue
            if (lead and agency.code == lead.code) or agency.code in receivers:
                continue
            name = _first_name(text, agency) or ""
            # Any mention may be the partner's: "照法務局的意見，由工務局會商法務局…".
            positions = [m.start() for m in re.finditer(re.escape(name), text)] if name else [-1]
            if any(
                CO_WORDS.search(text[max(0, at - 4) : at + len(name) + 4])
                or STAFF_HELP.match(text[at + len(name) :])
                for at in positions
            ):
                co.append(agency)
        return co

    def _listed_offices(self, text: str) -> dict[str, tuple[int, int, list[Agency]]]:
        """District offices named as a list with one 區公所 ("士林、北投兩個區公所"): keyed by
        the agency found for the words (各區公所, or the last office), with where they stand."""
        listed = {}
        for match in self._district_list.finditer(text):
            names = re.findall("|".join(self._district_offices), match.group("list"))
            offices = [self._district_offices[n] for n in dict.fromkeys(names)]
            for found in self.agencies.find_in_text(match.group(0)):
                listed[found.code] = (match.start(), match.end(), offices)
        return listed

    def _receivers(self, text: str) -> set[str]:
        """Agencies that receive the work ("送研考會", "報秘書處", "通知水利處跟下游的區公所"),
        not ones that share it."""
        found = set()
        previous: tuple[int, str] | None = None  # where the last mention ended, and whose
        for start, end, agency in self.agencies.mentions(text):
            code = agency.code
            before = text[max(0, start - 3) : start]
            between = text[previous[0] : start] if previous else ""
            if (
                (
                    start > 0
                    and RECEIVER_BEFORE.search(before)
                    and (
                        not re.search(r"交給|交由|交辦|拜託$", before)
                        # "下週三前交給社會局": a deadline, then whom it goes to
                        or _deadline_then(text[:start], "交給")
                    )
                )
                or (
                    # the next in a list of receivers: "通知水利處跟下游的區公所"
                    previous
                    and previous[1] in found
                    and re.fullmatch(r"(?:跟|和|與|及|、|以及)[^，。]{0,4}", between)
                )
            ):
                found.add(code)
            previous = (end, code)
        return found

    def _partner_joins(
        self, directive: Directive, sentence: Sentence, meeting_date: date, meeting_type: str | None
    ) -> bool:
        """A partner named after a pause: "衛生局要再加強。" "聯合醫院協助，本週就要到位。"."""
        text = TOPIC.sub("", sentence.text, count=1)
        text = re.sub(r"^(?:如果|若是?|萬一)?[^，。]{0,10}的話，?", "", text)  # 人力不夠的話…
        # "修下來的樹葉，請環保局清潔隊幫忙載走": asked to help with the work just given (not
        # "另外也請工務局協助…", a piece of work of its own)
        if not _starts_new_thought(sentence.text):
            text = re.sub(
                r"^(?:[^，。請]{2,10}的[^，。請]{1,4}，?)?(?:也|再)?請(?=.{2,10}?(?:幫忙|協助))",
                "",
                text,
            )
        agencies = self.agencies.find_in_text(text[:16])
        name = _first_name(text, agencies[0]) if agencies else None
        helps = re.match(rf"(?:也|來)?{HELPS}", text[len(name or "") :])
        if (
            not name
            or not text.startswith(name)
            or not helps
            or text[len(name) + helps.end() :].startswith("的")  # 環保局配合的部分已經完成了
            or DONE_OR_PLANNED.search(text)
            or agencies[0].code in (directive.lead_agency, *directive.co_agencies)
        ):
            return False
        directive.co_agencies.append(agencies[0].code)
        directive.co_agency_names.append(agencies[0].short)
        deadline = find_deadline(
            text, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
        )
        _extend(directive, sentence, deadline if directive.deadline_text is None else None)
        return True

    def _deadline_opens(
        self, directive: Directive, sentence: Sentence, meeting_date: date, meeting_type: str | None
    ) -> None:
        first = _clauses(sentence.text)[0]
        if (
            directive.deadline_text is not None
            or self.agencies.find_in_text(first)
            or not deadline_at_start(first)
            or not _is_instruction_tone(first)
        ):
            return
        deadline = find_deadline(
            first, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
        )
        if deadline is None:
            return
        said = _clauses(sentence.segment.text)[0]
        joiner = "" if directive.text.endswith(("。", "！", "？")) else "。"
        directive.text = f"{directive.text}{joiner}{said}"
        directive.span.end = sentence.segment.end
        directive.span.segment_ids.append(sentence.segment.id)
        directive.deadline_text, directive.due = deadline.text, deadline.due
        directive.due_basis, directive.urgent = deadline.basis, deadline.urgent

    def _continue(
        self, directive: Directive, sentence: Sentence, meeting_date: date, meeting_type: str | None
    ) -> bool:
        """A sentence that carries on the previous directive: "…一起檢討。兩週內提出改善方案。"."""
        text = sentence.text
        if (
            _starts_new_thought(text)
            or not _is_instruction_tone(text)
            or not self._has_predicate(text)
        ):
            return False
        deadline = find_deadline(
            text, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
        )
        if deadline is None and not re.match(r"^(?:並|並且|同時|然後|而且|也要|要|包括)", text):
            return False
        if deadline is not None and directive.deadline_text is not None:
            return False
        _extend(directive, sentence, deadline)
        # "…五月五號前全部上線，商圈的店家請產業局幫忙找進來": a helper named on the way
        for agency in self._acting_agencies_of(text, partners=True):
            if agency.code not in (directive.lead_agency, *directive.co_agencies):
                directive.co_agencies.append(agency.code)
                directive.co_agency_names.append(agency.short)
        return True


def _supplies(clause: str, agency: Agency) -> bool:
    """ "秘書處提供需求": the agency gives what the work needs, and no more."""
    name = _first_name(clause, agency)
    return bool(
        name
        and clause.startswith(name)
        and re.match(
            r"(?:這邊|也|來)?(?:負責)?提供(?:需求|資料|數據|名單|清單|意見|場地)",
            clause[len(name) :],
        )
    )


def _hand_lead(supplier: _Candidate, lead: Agency, clauses: list[tuple[str, str]]) -> None:
    """ "工務局把工地列一張清單給勞檢處，勞檢處去抽查": one piece of work, led by the one who
    uses what the other supplies; the supplier shares it."""
    supplier.partners = [a for a in [supplier.lead, *supplier.partners] if a and a != lead]
    supplier.lead = lead
    supplier.clauses += clauses
    supplier.head = len(supplier.clauses)


def _share_deadline(said: list[Directive]) -> None:
    """ "體育局自己負責，轉播就請觀傳局來做，兩邊兩個星期內各交一份計畫": a deadline said for
    both sides holds for the work given just before in the same sentence too."""
    for before, after in itertools.pairwise(said):
        if before.due is None and after.due is not None and BOTH_SIDES.search(after.text):
            before.deadline_text, before.due = after.deadline_text, after.due
            before.due_basis, before.urgent = after.due_basis, after.urgent


BOTH_SIDES = re.compile(r"兩邊|兩個(?:局|處|單位|機關)|雙方|兩個都|兩者都|都是同一天")


def _extend(directive: Directive, sentence: Sentence, deadline: SpokenDeadline | None) -> None:
    """Add a sentence that carries on a directive, and the deadline it sets, if any."""
    joiner = "" if directive.text.endswith(("。", "！", "？")) else "。"
    directive.text = f"{directive.text}{joiner}{sentence.segment.text}"
    directive.span.end = sentence.segment.end
    directive.span.segment_ids.append(sentence.segment.id)
    if deadline is not None:
        directive.deadline_text, directive.due = deadline.text, deadline.due
        directive.due_basis, directive.urgent = deadline.basis, deadline.urgent


def _misheard_names(agencies: AgencyRegistry) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A pattern for agency names with a homophone last character, mapped back to the name."""
    wrong: dict[str, str] = {}
    for agency in agencies:
        for name in agency.names:
            for char in HOMOPHONES.get(name[-1], ""):
                variant = name[:-1] + char
                if len(name) >= 3:
                    wrong.setdefault(variant, name)
            if name.endswith("局") and len(name) >= 3:
                wrong.setdefault(name[:-1] + "只要", name + "要")  # "交通局要" heard as "交通只要"
    if not wrong:
        return None
    keys = sorted(wrong, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))), wrong


# Floor rules


def _meeting_floor(text: str, floor: str) -> str:
    if text.startswith(SPEAKER_OPENERS):
        return "agency"
    if TITLE_OPENING.match(text):
        return "chair"  # "局長，你們回去…": the chair turning to a head of agency
    if DECISION.search(text):
        return "chair"
    reporting = _in_agency_voice(text)
    if floor == "chair" and reporting and not REQUEST.search(text[:6]):
        return "agency"
    if (
        floor != "chair"
        and (
            CHAIR_OPENERS.search(text)
            or (CHAIR_REACTION.match(text) and not re.search(r"要請|需要|希望|明年|今年", text))
            or CHAIR_VERDICT_LAST.search(text)
            or (CHAIR_CONCEDES.match(text) and "我們" not in REPORTED_SPEECH.sub("", text))
        )
        and not reporting
    ):
        return "chair"
    return floor


def _in_agency_voice(text: str) -> bool:
    """Does an agency speak here (first person, its plans)? Words the chair tells someone to
    say are not its own: "告訴市民我們已經在處理"."""
    own = REPORTED_SPEECH.sub("", text)
    return bool(AGENCY_VOICE.search(own)) and not CHAIR_PLURAL.search(text)


def _mayor_answers_last(text: str) -> bool:
    """One voice ran a councillor's demand and the mayor's answer together, the answer last:
    "我要求市府…坦白說…不過我請都發局主政…" (the mayor speaks of himself: 我請)."""
    councillor = [m.start() for m in COUNCILLOR_VOICE.finditer(text)]
    councillor += [m.start() for m in re.finditer(r"給我|本席", text)]
    mayor = [m.start() for m in MAYOR_ANSWER.finditer(text)]
    return bool(councillor and mayor and mayor[-1] > max(councillor))


def _council_floor(text: str, floor: str) -> str:
    if text.startswith(
        ("議員", "報告議員", "謝謝議員", "好，議員", "是，議員", "跟議員報告", "向議員報告")
    ) or re.match(r"^謝謝.{1,4}議員", text):
        return "mayor"
    if _mayor_answers_last(text):
        return "mayor"  # "我要求市府…坦白說…不過我請都發局主政…"
    if COUNCILLOR_VOICE.search(text) or text.startswith(("市長，", "局長，", "謝謝議長")):
        return "councillor"
    if MAYOR_REQUEST.search(text):
        return "mayor"
    if re.match(r"^(?:好，?|是，?)?我(?:也)?同意", text):
        return "mayor"  # the mayor granting what was asked
    return floor


# Small helpers


def _is_council(header: MeetingHeader) -> bool:
    meeting_type = header.meeting_type or ""
    return "議會" in meeting_type or "質詢" in meeting_type or "議會" in (header.title or "")


def _section(text: str, current: str) -> str:
    if re.search(r"上次(?:會議|會報).{0,12}(?:裁示|指示|決議|列管).{0,6}(?:辦理|執行)情形", text):
        return "follow_up"
    if "報告事項" in text or "報告案" in text:
        return "report"
    if "討論事項" in text or "討論案" in text or re.search(r"進行討論|提案討論", text):
        return "discussion"
    if "臨時動議" in text:
        return "motion"
    return current


def _clauses(text: str) -> list[str]:
    parts = re.split(r"(?<=[，；：,;])|(?<=[。！？])", text)
    clauses = [p.strip("，；：,;。！？ ") for p in parts if p.strip("，；：,;。！？ ")]
    split: list[str] = []
    for at, clause in enumerate(clauses):
        # Run-on speech with no punctuation: break before words that start a new instruction,
        # and before the chair moving on ("…兩週內報給我好接下來請環保局").
        pieces = [c for c in NEXT_ITEM.split(clause) if c] if len(clause) > 8 else [clause]
        for piece in pieces:
            if len(piece) > 40:
                split += [c for c in NEW_INSTRUCTION.split(piece) if c]
            else:
                # "…修正草案送出來那長照的部分": the next subject run on at the end, its work
                # in the clauses after
                more = at < len(clauses) - 1
                split += [c for c in TOPIC_RUN_ON.split(piece) if c] if more else [piece]
    return split


# A subject said at the end of run-on words, for the work in the next clause.
TOPIC_RUN_ON = re.compile(
    r"(?<=.{6})(?=(?:那(?![個些邊裡])|至於|然後)[^，。那]{1,8}(?:的部分|這部分|這個部分)$)"
)


def _noun_head(what: str) -> str:
    """What is left of a report's subject once a noun ending in 的X is taken off: the verb in
    "河濱烤肉的整備" is a noun; in "加強下水道的清淤" 加強 is still a verb."""
    head, _, tail = what.rpartition("的")
    return head if head and len(tail) <= 4 else what


def _has_predicate(clause: str) -> bool:
    return (
        any(verb in clause for verb in ACTION_VERBS)
        or bool(RESULTATIVE.search(clause))
        or "把" in clause
        or bool(BRIEFLY.search(clause))
        or bool(GIVE_TO.search(clause))
    )


# What may follow a request before the work: "請警察局內部調度", "由社會局另外提案".
_WORK_MANNER = re.compile(
    r"^(?:這邊|那邊)?(?:也|再|先|就|另外|自己|內部|統一|分別|一起|盡快|儘快|趕快|直接|重新|全面|持續)*"
)
# What a request is followed by when it asks someone to speak or names whose, not work.
_NOT_WORK = re.compile(
    r"^(?:的|之|長|局長|處長|主委|主任|報告|說明|補充|回應|簡報|答復|答覆|發言|講|說|代表|同仁|這邊報告)"
)


def _deadline_then(text: str, word: str) -> bool:
    """ "下週三前交給": a deadline and nothing else before ``word`` at the end of ``text``."""
    said = text.removesuffix(word)
    return said != text and bool(said) and deadline_at_start(said) and len(said) <= 8


def _requested_work(after: str) -> bool:
    """Any verb phrase after "請/由 <agency>" asks for work, known verb or not:
    "請警察局內部調度", "由社會局另外提案", "請就服處徵才"."""
    what = _WORK_MANNER.sub("", after.strip("，。！ "))
    return (
        len(re.findall(r"[\u4e00-\u9fff]", what)) >= 2
        and not what.startswith(
            ("、", "，", "跟", "和", "及", "與")
        )  # "請市長、都發局長、教育局長"
        and not _NOT_WORK.match(what)
        and not QUESTION_END.search(what)
    )


# Giving something to someone is work: "兩週內給公管中心書面意見", "月底前給我一份…".
GIVE_TO = re.compile(
    r"(?<![交送寄還])給(?=我|〇|各|議員|市長|[^，。]{1,6}(?:局|處|會|中心|所|公司))"
)


# A verb said with 一下, whatever the verb: "再對一下", "幫我盯一下", "彙整一下" (等一下 waits;
# 報告/說明/補充/回應/講/說一下 hand over the floor).
BRIEFLY = re.compile(r"(?<!等)(?![告明充應講說])[\u4e00-\u9fff]一下(?!子)")


# Someone other than an agency said first, whose part the words are: "中央月底前要核定補助",
# "議員明天要來會勘", "黃副市長月底前要召集…", "所有局處月底前要…".
OTHERS_FIRST = re.compile(
    r"(?:中央|行政院|部會|[^，。]{0,3}部(?!分)|議員|議會|[^，。]{0,2}市長|秘書長|所有|相關|局處|廠商|業者"
    r"|民眾|市民|里長|家長|學校|他們|對方|委員)"
)


def _past_partners(text: str) -> str:
    """What follows the partners named with the agency, their names stripped to 〇:
    "跟〇分頭去催" → "分頭去催"."""
    return re.sub(r"^(?:[跟和與及、〇]|會同|協同|偕同)+", "", text)


def _has_deadline(clause: str) -> bool:
    return bool(DEADLINE_WORD.search(clause))


# A deadline in a word or two: 內 after a span (一週內, not 內湖), 前 not in 目前 or 提前.
DEADLINE_WORD = re.compile(
    r"(?:[天日週周拜期月年時間限以]|之)內(?!湖)|(?<![目提先從事眼])前(?![年天面往進陣瞻幾置])"
    r"|月底|年底|下次|儘速|盡快|立即|馬上|今天|明天|(?<![開散])會後(?!續)"
)


PAST_REQUEST = re.compile(
    r"(?:上個月|上週|上禮拜|之前|剛剛|昨天|前天|去年|上次)[^，。]{0,4}(?:我|我們)(?:有|已經)?(?:請|要求|交代)"
    # "上個月請環保局檢討的夜間收運路線": the work asked for before, named by what it was
    r"|(?:上個月|上週|上禮拜|昨天|前天|去年|上次)(?:有|已經)?請[^，。]{2,14}的"
    # "上次說要請消防局去會勘", "之前講好要請財政局評估": recalled, not asked now
    r"|(?:上個月|上週|上禮拜|之前|昨天|前天|去年|上次|上回)(?:有|已經)?(?:說|講|提到|講好|說好)(?:過)?要?(?:請|要求|交代)"
    r"|(?:本來|原本)(?:想|要|打算)(?:請|要求|交代)"  # a request not made after all
)


def _is_instruction_tone(clause: str) -> bool:
    if re.search(r"已經?(?:要求|請|責成|交由|函請|通知)", clause) or PAST_REQUEST.search(clause):
        return False  # "已經要求業者停止供餐", "上個月我請人事處做的…" report a request made
    firm = (
        REQUEST.search(clause)
        or _has_deadline(clause)
        or re.search(r"要把|務必|一定要|[也都]要", clause)
    )
    if PRAISE.search(clause) and not firm:
        return False
    if DONE_OR_PLANNED.search(clause) and not firm:
        return False
    return not re.search(
        r"(?:我們|本局|本處)(?:已經|會|將|目前|預計)|已經.{0,10}(?:了|完成)|(?<!看|查|究|認|估|解|視|核|下)(?:有沒有|是不是(?!(?:可以|就|先|再)?請|可以|[^，。]{0,6}(?:前|內)))|嗎$|(?:說|講)(?:要|是|會)|(?<!是)不是"
        r"|(?:本來|原本)(?:想|要|打算)|不用(?:再)?(?:做|辦|跑|報|弄)?了"  # "…，那就不用了", "先不用做了"
        # what is done all along: "交通局每一季都在檢討", "這個我們一直有在做"
        r"|都(?:有)?在(?![^，。]{0,6}(?:前|內|以前))[\u4e00-\u9fff]|一直(?:都)?(?:有)?在|有在(?:做|處理|檢討|追蹤|辦)"
        r"|(?:前|底|內|後)會(?![同勘商議報銜計談員場長])",  # "下個月底前會完成": a plan, not an order
        clause,
    )


def _addresses(pending: _Pending) -> bool:
    """ "請環保局會同各區公所", "交通局這邊": the chair turning to an agency, the task to follow."""
    first = re.sub(
        r"^(?:這個部分|這部分|這件事)", "", TOPIC.sub("", pending.clauses[0][0], count=1)
    )
    name = _first_name(first, pending.agency) or ""
    return bool(
        re.match(r"^(?:所以|就|也|再)?(?:請|麻煩|拜託|交由|交給|由|責成|交代)", first)
        or re.search(r"(?:這邊|那邊|這個部分|這部分|的部分|方面)$", pending.clauses[-1][0])
        or (name and first.startswith(name) and TOLD_AFTER.match(first[len(name) :]))
        # "…家防中心的社工缺額。" | "人事處協助加速甄選。" | "一個月內全部補齊": its matter named
        or (bool(name) and bool(re.search(re.escape(name) + r"的[^，。的]{1,5}$", first)))
    )


def _names_a_topic(clause: str, agency: Agency) -> bool:
    """ "研考會那個轉派錯誤的統計": an agency and a subject, what to do still to come."""
    body = TOPIC.sub("", clause, count=1)
    name = _first_name(body, agency)
    return bool(
        name
        and body.startswith(name)
        and re.match(r"(?:這邊|那邊)?(?:那個|這個|關於|有關|針對)", body[len(name) :])
        and not MODAL.search(body)
        and not DONE_OR_PLANNED.search(body)
    )


def _carries_on(before: Sentence, sentence: Sentence) -> bool:
    """The same speaker going on after a pause, not a new turn."""
    return (
        before.floor == sentence.floor
        and sentence.floor in ("chair", "mayor")
        and sentence.segment.start - before.segment.end <= CARRY_PAUSE_SECONDS
        and not _starts_new_thought(sentence.text)
    )


def _starts_new_thought(clause: str) -> bool:
    return clause.startswith(
        (
            "另外",
            "還有",
            "其次",
            "接下來",
            "好",
            "謝謝",
            "最後",
            "第二",
            "第三",
            "至於",
            "那我們",
            "下一個",
        )
    )


def _joins_previous(clause: str, lead: Agency, previous: _Candidate) -> bool:
    """ "社會局協助" after an instruction adds a co-agency rather than a new directive."""
    name = _first_name(clause, lead)
    before = clause[: clause.find(name)] if name else ""
    rest = clause[clause.find(name) + len(name) :] if name else clause
    if re.match(r"^(?:並|並且|也|再)?(?:會同|協同|偕同|結合|由|跟|和)$", before.strip()):
        return True  # "…，會同研考會在系統上加…" / "…，由建管處協助抽查"
    if not before.strip() and DANGLING_PARTNER.search(previous.clauses[-1][0]):
        return True  # a list of partners broken by a pause: "…跟交通局，信義區公所確認"
    return bool(HELPS_AFTER_NAME.match(rest.strip()))


def _tells_you(text: str) -> bool:
    """The chair telling the agency that has the floor: "…，你們先報，清單下禮拜五前給秘書處"."""
    told = YOU_ADDRESSED.search(text)
    if told is None:
        return False
    return _firm_instruction(text[told.start() :]) and not AGENCY_VOICE.search(text)


def _firm_instruction(text: str) -> bool:
    """Told, not reported: a must or a deadline, and nothing already done or planned."""
    firm = re.search(r"要|務必|必須|請|麻煩", text) or _has_deadline(text)
    return bool(firm) and not DONE_OR_PLANNED.search(text)


def _co_prefixed(clause: str, agency: Agency) -> bool:
    name = _first_name(clause, agency)
    before = clause[: clause.find(name)] if name else ""
    return bool(re.search(r"(?:跟|和|與|會同|協同|偕同|結合)$", before))


def _is_partner(clause: str, agency: Agency) -> bool:
    """ "協同人事處安排補課", "區公所協助通報", "各區公所的應變人力也要一起排進去": a
    partner's part in the work, not new work."""
    return (
        _co_prefixed(clause, agency)
        or bool(HELPS_AFTER_NAME.match(_after_name(clause, agency)))
        or _part_joins(clause, agency)
    )


def _part_joins(clause: str, agency: Agency) -> bool:
    """An agency's part that joins the work: "警察局的人流管制也要一起配合", "各區公所的跑馬燈
    也幫忙一起播"."""
    return bool(STAFF_HELP.match(_after_name(clause, agency)))


def _after_name(clause: str, agency: Agency) -> str:
    name = _first_name(clause, agency) or ""
    return clause[clause.find(name) + len(name) :] if name else clause


def _first_name(text: str, agency: Agency) -> str | None:
    """The agency's name as said in the text, with its head's title when one follows
    ("工務局長去想辦法", "捷運公司董事長"): the head speaks and is told for the agency."""
    for name in sorted(agency.names, key=len, reverse=True):
        for form in (name, name.replace("臺", "台")):
            if form in text:
                head = HEAD_TITLE.match(text, text.find(form) + len(form))
                return form + head.group() if head else form
    return None


def _said_as_work(after_deadline: str) -> bool:
    """What follows a deadline is work to do, not whose ("本週五前的資料"), a plan ("…前會…"),
    something done ("…前已經…了") or a question."""
    return not re.match(r"[的之是會已]|(?:就|也)?(?:會|已|有|是)", after_deadline) and not (
        re.search(r"了|過|嗎|呢", after_deadline)
    )


def _names_whose(clause: str, agency: Agency) -> bool:
    """The agency is named only as whose something is: "要看警察局的管制計畫"."""
    return _after_name(clause, agency).startswith("的")


def _unknown_agency(clause: str) -> str | None:
    match = UNKNOWN_AGENCY.search(clause)
    return match.group("name") if match else None


def _strip_opener(text: str) -> str:
    for opener in SPEAKER_OPENERS:
        if text.startswith(opener):
            return text[len(opener) :].lstrip("，、 ")
    return text


def _decision_phrase(text: str, word: str) -> str:
    for clause in _clauses(text):
        if word in clause:
            return clause.strip("。")
    return word


def _span(sentences: list[Sentence]) -> Span:
    return Span(
        start=sentences[0].segment.start,
        end=sentences[-1].segment.end,
        segment_ids=[s.segment.id for s in sentences],
    )


def _questions(transcript: Transcript, sentences: list[Sentence]) -> list[Question]:
    """Each turn of a speaker named as a councillor: who asked, and the opening of the question."""
    questions: list[Question] = []
    run: list[Sentence] = []
    for sentence in [*sentences, None]:
        speaker = sentence.segment.speaker if sentence is not None else None
        if run and (sentence is None or speaker != run[0].segment.speaker):
            name = transcript.speaker_name(run[0].segment.speaker) or ""
            if name.endswith("議員"):
                text = "".join(s.segment.text for s in run)
                clipped = text if len(text) <= QUESTION_CHARS else text[:QUESTION_CHARS] + "…"
                questions.append(Question(councillor=name, text=clipped, span=_span(run)))
            run = []
        if sentence is not None and speaker is not None:
            run.append(sentence)
    return questions


def _notes(transcript: Transcript, draft: _Draft) -> list[str]:
    notes = []
    if not transcript.segments:
        notes.append("逐字稿為空白，無法草擬會議紀錄內容。")
    elif not draft.directives:
        notes.append("未找到主席裁示或指示事項，請對照錄音確認。")
    flagged = sum(1 for d in draft.directives if d.flags)
    if flagged:
        notes.append(f"有 {flagged} 項裁示事項標記為待確認。")
    return notes
