"""The performance-excellence framework as data: model, loader and validator."""

from .loader import FrameworkError, cached_framework, check_framework, load_framework
from .model import Category, Dimension, Framework, Item, ItemKind, Question, Text
from .validation import Problem

__all__ = [
    "Category",
    "Dimension",
    "Framework",
    "FrameworkError",
    "Item",
    "ItemKind",
    "Problem",
    "Question",
    "Text",
    "cached_framework",
    "check_framework",
    "load_framework",
]
