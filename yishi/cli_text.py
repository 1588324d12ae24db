"""zh-TW for the text typer and click print themselves: usage errors and the help layout.

Typer ≥ 0.20 ships its own copy of click in which most messages are plain f-strings, not
gettext calls, so no message catalog can reach them. ``install()`` therefore changes the few
places where that text is rendered, once, when the CLI module is imported:

* the ``_``/``ngettext`` that typer's and click's modules bound to ``gettext`` look up
  ``GETTEXT`` instead;
* typer.rich_utils' panel titles and markers become Chinese;
* every usage error is printed as one ``錯誤：…`` line, its English message translated by
  ``translate()`` (the patterns below, built from click 8.1–8.3 and typer 0.12–0.29);
* the usage line, the help option and the type labels in the help become Chinese.

Each hook is skipped when a future typer no longer has it; tests/yishi/test_cli_text.py then
fails on the English that comes through.
"""

from __future__ import annotations

import gettext
import re
import sys
from collections.abc import Callable
from typing import IO, Any

# msgids that typer and click pass to gettext, as written in their sources.
GETTEXT: dict[str, str] = {
    "Usage:": "用法：",
    "Usage: ": "用法：",
    "Options": "選項",
    "Arguments": "引數",
    "Commands": "指令",
    "Error": "錯誤",
    "Error: {message}": "錯誤：{message}",
    "Aborted!": "已中止。",
    "Aborted.": "已中止。",
    "Show this message and exit.": "顯示此說明並結束。",
    "Show the version and exit.": "顯示版本並結束。",
    "(dynamic)": "（動態）",
    "(deprecated) ": "（已停用）",
    "(DEPRECATED)": "（已停用）",
    "(Deprecated)": "（已停用）",
    "default: {default}": "預設：{default}",
    "env var: {var}": "環境變數：{var}",
    "required": "必填",
    "[default: {}]": "[預設：{}]",
    "[env var: {}]": "[環境變數：{}]",
    "[required]": "[必填]",
    "Missing command.": "缺少指令。",
    "No such command {name!r}.": "沒有「{name}」這個指令。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "執行 [blue]「{command_path} {help_option}」[/] 查看說明。"
    ),
    "Try '{command} {option}' for help.": "執行「{command} {option}」查看說明。",
    "Repeat for confirmation": "再輸入一次以確認",
    "Error: The value you entered was invalid.": "錯誤：輸入的值無效。",
    "Error: The two entered values do not match.": "錯誤：兩次輸入的值不同。",
    "Error: invalid input": "錯誤：輸入無效",
}

# typer.rich_utils constants (computed once at its import, so set again here).
RICH_TEXT: dict[str, str] = {
    "DEPRECATED_STRING": "（已停用）",
    "DEFAULT_STRING": "[預設：{}]",
    "ENVVAR_STRING": "[環境變數：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ARGUMENTS_PANEL_TITLE": "引數",
    "OPTIONS_PANEL_TITLE": "選項",
    "COMMANDS_PANEL_TITLE": "指令",
    "ERRORS_PANEL_TITLE": "錯誤",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "執行 [blue]「{command_path} {help_option}」[/] 查看說明。",
}

# Type labels in the help ("<int>", "INTEGER"); None hides the label (an on/off flag).
TYPE_NAMES: dict[str, str | None] = {
    "str": "文字", "text": "文字", "int": "整數", "integer": "整數", "float": "數字",
    "bool": None, "boolean": None, "path": "路徑", "file": "檔案", "filename": "檔案",
    "dir": "目錄", "directory": "目錄", "datetime": "日期時間", "uuid": "UUID",
}  # fmt: skip

_KINDS = {"option": "選項", "argument": "引數", "parameter": "參數"}
_PATH_KINDS = {"file": "檔案", "directory": "目錄", "dir": "目錄", "path": "路徑"}
_TYPES = {"integer": "整數", "int": "整數", "float": "數字", "boolean": "是／否", "bool": "是／否"}
_OS_ERRORS = {
    "No such file or directory": "檔案或目錄不存在",
    "Permission denied": "沒有權限",
    "Is a directory": "這是目錄",
    "Not a directory": "不是目錄",
    "File exists": "檔案已存在",
}


def _quoted(text: str) -> str:
    """click's 'name' quoting → 「name」; "/" between alternatives → "／"."""
    text = re.sub(r"'([^']*)'", r"「\1」", text.strip())
    return text.replace(" / ", "／")


def _choices(text: str) -> str:
    """Click's list of choices, "'a', 'b' or 'c'" or "--x, --y", as 「a」、「b」、「c」."""
    parts = re.split(r",\s*|\s+or\s+", text.strip())
    return "、".join(f"「{part.strip(chr(39))}」" for part in parts if part)


def _number(value: str) -> str:
    return value.strip().strip("'")


# (pattern, replacement) over a whole English message, first match wins. Replacements may
# call translate() again for the detail after "Invalid value for …:".
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]
_RULES: list[_Rule] = [
    (re.compile(r"Missing (option|argument|parameter)\s*(.*?)\.\s*(?:Choose from:\s*(.*))?",
                re.S),
     lambda m: f"缺少{_KINDS[m[1]]}{_quoted(m[2])}"
     + (f"，可用：{'、'.join(c.strip() for c in m[3].split(',') if c.strip())}" if m[3] else "")
     + "。"),
    (re.compile(r"Missing parameter:?\s*(.*)"), lambda m: f"缺少參數「{m[1].strip()}」。"),
    (re.compile(r"Missing command\.?"), lambda m: "缺少指令。"),
    (re.compile(r"No such command\s+'(.+)'[.。]*\s*(?:Did you mean (.+?)\?)?"),
     lambda m: f"沒有「{m[1]}」這個指令" + (f"，您是不是要用{_choices(m[2])}？" if m[2] else "。")),
    (re.compile(r"沒有「(.+)」這個指令[.。]*\s*Did you mean (.+?)\?"),
     lambda m: f"沒有「{m[1]}」這個指令，您是不是要用{_choices(m[2])}？"),
    (re.compile(r"No such option:?\s+(\S+?)\.?\s*(?:\(Possible options:\s*(.+)\)|Did you mean (.+?)\?)?"),
     lambda m: f"沒有「{m[1]}」這個選項"
     + (f"，您是不是要用{_choices(m[2] or m[3])}？" if m[2] or m[3] else "。")),
    (re.compile(r"Got unexpected extra arguments?(?:\(s\))?\s*\((.*)\)"),
     lambda m: f"多了無法辨識的引數：{m[1]}。"),
    (re.compile(r"Option\s+'(.+)'\s+requires an argument\."),
     lambda m: f"選項「{m[1]}」後面需要一個值。"),
    (re.compile(r"Option\s+'(.+)'\s+requires (\d+) arguments\."),
     lambda m: f"選項「{m[1]}」後面需要 {m[2]} 個值。"),
    (re.compile(r"(\S+) option requires (?:an argument|(\d+) arguments)\.?"),
     lambda m: f"選項「{m[1]}」後面需要{m[2] + ' 個' if m[2] else '一個'}值。"),
    (re.compile(r"Option\s+'(.+)'\s+does not take a value\.?"),
     lambda m: f"選項「{m[1]}」不接受值。"),
    (re.compile(r"(\S+) option does not take a value\.?"), lambda m: f"選項「{m[1]}」不接受值。"),
    (re.compile(r"Argument\s+'(.+)'\s+takes (\d+) values\.?"),
     lambda m: f"引數「{m[1]}」需要 {m[2]} 個值。"),
    (re.compile(r"Could not open file\s+'(.+)':\s*(.*)"),
     lambda m: f"無法開啟檔案「{m[1]}」：{translate(m[2])}"),
    (re.compile(r"Invalid value for\s+(.+?):\s*(.*)", re.S),
     lambda m: f"{_quoted(m[1])}的值無效：{translate(m[2])}"),
    (re.compile(r"Invalid value:\s*(.*)", re.S), lambda m: f"值無效：{translate(m[1])}"),
    # The detail after "Invalid value for …:", from pydantic (typer ≥ 0.20) …
    (re.compile(r"Input should be a valid (integer|number|boolean)\b.*"),
     lambda m: {"integer": "必須是整數", "number": "必須是數字", "boolean": "必須是 true 或 false"}[
         m[1]]),
    (re.compile(r"Input should be a valid (date|datetime|time)\b.*"), lambda m: "必須是有效的日期時間"),
    (re.compile(r"Input should be a valid UUID\b.*"), lambda m: "必須是有效的 UUID"),
    (re.compile(r"Input should be a finite number\.?"), lambda m: "必須是有限的數字"),
    (re.compile(r"Input should be greater than or equal to (.+?)\.?"),
     lambda m: f"必須大於或等於 {_number(m[1])}"),
    (re.compile(r"Input should be less than or equal to (.+?)\.?"),
     lambda m: f"必須小於或等於 {_number(m[1])}"),
    (re.compile(r"Input should be greater than (.+?)\.?"), lambda m: f"必須大於 {_number(m[1])}"),
    (re.compile(r"Input should be less than (.+?)\.?"), lambda m: f"必須小於 {_number(m[1])}"),
    (re.compile(r"Input should be ('.*')\.?"), lambda m: f"必須是下列之一：{_choices(m[1])}"),
    (re.compile(r"Input is not a valid path.*"), lambda m: "不是有效的路徑"),
    (re.compile(r"Value error,\s*(.*)", re.S), lambda m: translate(m[1])),
    (re.compile(r"Value must be an iterable\.?"), lambda m: "必須是多個值"),
    (re.compile(r"Value\s+'?(.*?)'?\s+is not a valid (\w+)\.?"),
     lambda m: f"「{m[1]}」不是有效的{_TYPES.get(m[2].lower(), '值')}"),
    # … and from click's own types (typer < 0.20).
    (re.compile(r"'?(.*?)'? is not a valid (integer|float|boolean|UUID)(?: range)?\.?"),
     lambda m: f"「{m[1]}」不是有效的{_TYPES.get(m[2].lower(), m[2])}"),
    (re.compile(r"'(.*)' is not one of (.+?)\.?"),
     lambda m: f"「{m[1]}」不是可用的值，可用：{_choices(m[2])}"),
    (re.compile(r"'(.*)' is not (.+?)\.?"), lambda m: f"「{m[1]}」不是可用的值，可用：{_choices(m[2])}"),
    (re.compile(r"(.+?) is not in the range (.+?)\.?"), lambda m: f"{m[1]} 不在範圍 {m[2]} 內"),
    (re.compile(r"(.+?) is (?:smaller|larger|bigger) than the (minimum|maximum) valid value (.+?)\.?"),
     lambda m: f"{m[1]} 超出範圍（{'最小' if m[2] == 'minimum' else '最大'}為 {m[3]}）"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+does not exist\.?"),
     lambda m: f"{_PATH_KINDS[m[1].lower()]}「{m[2]}」不存在"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+is a file\.?"),
     lambda m: f"「{m[2]}」是檔案，這裡需要目錄"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+is a directory\.?"),
     lambda m: f"「{m[2]}」是目錄，這裡需要檔案"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+is not readable\.?"),
     lambda m: f"無法讀取「{m[2]}」"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+is not writable\.?"),
     lambda m: f"無法寫入「{m[2]}」"),
    (re.compile(r"(File|Directory|Path|file|dir|directory|path)\s+'(.+)'\s+is not executable\.?"),
     lambda m: f"無法執行「{m[2]}」"),
    (re.compile(r"'(.+)':\s*(.+)"), lambda m: f"「{m[1]}」：{translate(m[2])}"),
    (re.compile("|".join(map(re.escape, _OS_ERRORS))), lambda m: _OS_ERRORS[m[0]]),
    (re.compile(r"unknown error"), lambda m: "不明的錯誤"),
]  # fmt: skip


def translate(message: str) -> str:
    """A message from typer, click or pydantic in zh-TW; text no rule knows is kept as is."""
    text = message.strip()
    if text in GETTEXT:
        return GETTEXT[text]
    for pattern, replace in _RULES:
        match = pattern.fullmatch(text)
        if match:
            return replace(match)
    return text


def _gettext(message: str) -> str:
    return GETTEXT.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def _show_error(error: Any, file: IO[Any] | None = None) -> None:
    """A usage error as one line: 錯誤：<message>（執行「yishi … --help」查看說明）."""
    if type(error).__name__ == "NoArgsIsHelpError":
        return  # typer has printed the help already
    from rich.console import Console
    from rich.markup import escape

    line = translate(error.format_message())
    ctx = getattr(error, "ctx", None)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        line = (
            line.rstrip("。") + f"（執行「{ctx.command_path} {ctx.help_option_names[0]}」查看說明）"
        )
    console = Console(file=file, stderr=file is None, soft_wrap=True, highlight=False)
    console.print(f"[bold red]錯誤：[/]{escape(line)}")


def _show_abort() -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print("已中止。")


def _usage_args(args: str) -> str:
    return args.replace("[OPTIONS]", "[選項]").replace("COMMAND [ARGS]...", "指令 [引數]...")


def _type_label(label: str | None) -> str | None:
    """A type label in Chinese: <int> → <整數>, <list[str]> → <文字>…, <bool> → None."""
    if label is None:
        return None
    match = re.fullmatch(r"(<?)(?:list\[)?([\w ]+?)(?: range)?(\]?)(>?)((?:\.\.\.)?)", label)
    if match is None or match[2].lower() not in TYPE_NAMES:
        return label  # choices, metavars we set ourselves
    name = TYPE_NAMES[match[2].lower()]
    if name is None:
        return None
    repeated = "…" if match[3] or match[5] else ""
    return f"{match[1]}{name}{match[4]}{repeated}"


_installed = False


def install() -> None:
    """Make typer and click speak zh-TW in this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    import typer.core
    import typer.rich_utils

    _rebind_gettext()
    for name, text in RICH_TEXT.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, text)
    for name, renderer in (("rich_format_error", _show_error), ("rich_abort_error", _show_abort)):
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, renderer)
    for click in _click_packages():
        _patch_click(click)
    for cls in (
        getattr(typer.core, "_TyperParameter", None),
        getattr(typer.core, "TyperOption", None),
    ):
        if cls is not None:
            _wrap_result(cls, "display_type_rich", _type_label)


def _rebind_gettext() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith(("typer", "click")) or module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _ngettext  # type: ignore[attr-defined]


def _click_packages() -> list[Any]:
    """typer's own copy of click (typer ≥ 0.20), and click itself when typer uses it."""
    packages = []
    for name in ("typer._click", "click"):
        package = sys.modules.get(name)
        if package is not None and hasattr(package, "exceptions"):
            packages.append(package)
    return packages


def _patch_click(click: Any) -> None:
    exceptions = click.exceptions
    for cls_name in ("ClickException", "UsageError"):
        cls = getattr(exceptions, cls_name, None)
        if cls is not None and "show" in vars(cls):
            cls.show = _show_error
    formatting = sys.modules.get(f"{click.__name__}.formatting")
    formatter = getattr(formatting, "HelpFormatter", None)
    if formatter is not None and "write_usage" in vars(formatter):
        write_usage = formatter.write_usage

        def zh_write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, _usage_args(args), "用法：" if prefix is None else prefix)

        formatter.write_usage = zh_write_usage
    core = sys.modules.get(f"{click.__name__}.core")
    command = getattr(core, "Command", None)
    if command is not None:
        _wrap_result(command, "get_help_option", _help_option_in_chinese)


def _help_option_in_chinese(option: Any) -> Any:
    if option is not None and isinstance(getattr(option, "help", None), str):
        option.help = _gettext(option.help)
    return option


def _wrap_result(cls: type, name: str, change: Callable[[Any], Any]) -> None:
    """Pass what ``cls.name`` returns through ``change`` (only where ``cls`` defines it)."""
    original = vars(cls).get(name)
    if original is None:
        return

    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        return change(original(self, *args, **kwargs))

    setattr(cls, name, wrapped)
