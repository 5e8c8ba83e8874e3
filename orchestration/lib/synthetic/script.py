"""Character-level damage seen in real reports: traditional conversion (with the broken converter
that appends pinyin), mirror-site vocabulary, GBK mojibake of labels, labels lost to `?`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

_S2T = OpenCC("s2t")
# OpenCC prefers forms that Big5 lacks; web pages in traditional characters use the Big5 ones.
_BIG5_FORMS = str.maketrans("爲衆羣着峯裏綫僞啓鷄", "為眾群著峰裡線偽啟雞")

# The characters seed 002's converter annotated, with a few of their kind.
_PINYIN = {
    "創": "chuàng", "數": "shù", "內": "nèi", "據": "jù", "調": "diào", "協": "xié", "鎮": "zhèn",
    "網": "wǎng", "業": "yè", "區": "qū", "規": "guī", "發": "fā", "現": "xiàn", "癥": "zhèng",
    "統": "tǒng", "態": "tài", "體": "tǐ", "專": "zhuān",
}
_PINYIN_TABLE = str.maketrans({char: f"{char}({pinyin})" for char, pinyin in _PINYIN.items()})

# Mirror sites convert with regional vocabulary as well as characters (SPEC §5).
_MIRROR_VOCABULARY = (("規範性文件", "規範性檔案"), ("優化", "最佳化"))


@lru_cache(maxsize=65536)
def _traditional(text: str) -> str:
    # OpenCC is slow (pure Python); reports reuse the same paragraphs and labels, so cache.
    return _S2T.convert(text).translate(_BIG5_FORMS)


@lru_cache(maxsize=65536)
def _convert(text: str, pinyin: bool, mirror: bool) -> str:
    text = _traditional(text)
    if mirror:
        for simplified_term, regional_term in _MIRROR_VOCABULARY:
            text = text.replace(simplified_term, regional_term)
    return text.translate(_PINYIN_TABLE) if pinyin else text


@dataclass(frozen=True)
class Script:
    """How a report's characters are written: simplified, or traditional with optional damage."""

    traditional: bool = False
    pinyin: bool = False
    mirror_vocabulary: bool = False

    def __call__(self, text: str) -> str:
        if not self.traditional or not text:
            return text
        return _convert(text, self.pinyin, self.mirror_vocabulary)


def gbk_mojibake(label: str) -> str:
    """The label as seed 002 shows it: GBK bytes decoded one byte off (the first byte of a leading
    full-width space lost), so `（一）收到申請數` reads `?。ㄒ唬┦盏缴暾垟?`."""
    try:
        shifted = ("\u3000" + label).encode("gbk")[1:]
    except UnicodeEncodeError:
        return lost_label(label)
    return "?" + shifted.decode("gbk", errors="replace").replace("\ufffd", "?")


def lost_label(label: str) -> str:
    """A label whose characters were lost in a lossy re-encoding: one `?` per character."""
    return "".join("\n" if char == "\n" else "?" for char in label)
