"""Everything that is not UI: loading, conversion, segmentation, pinyin, dictionary, vocabulary.

Nothing under reader.core may import textual or rich (tests/test_import_hygiene.py checks).
"""
