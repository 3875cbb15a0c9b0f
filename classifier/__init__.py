"""Turn paragraphs of Chinese policy text into theme scores and themes.

Importing this package does nothing: models, jieba and OpenCC load only when first used.
"""
