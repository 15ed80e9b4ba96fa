"""The annotation engine: OpenCC conversion, segmentation, pinyin in context, the pipeline.

Importing this package loads nothing: each module loads its tables on first use.
"""
