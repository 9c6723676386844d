"""Reading Chinese text: normalisation (繁→简, full width, emoji, boilerplate-free input for every model), negation
rewriting, hashed char n-gram features, guarded regex alternations for lexicons and rules (``patterns``), phrase
discovery, and the jieba tokenizer with the shipped stop words.

Nothing here knows about labels or models; every other subpackage builds on it.
"""
