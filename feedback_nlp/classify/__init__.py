"""Classifying feedback: :class:`~.classifier.FeedbackClassifier` and its components (sentiment, topics and their
lexicon), kind and priority rules (:mod:`.intent`), result types, the component registry (:mod:`.components`),
shipped-model loading (:mod:`.registry`) and training helpers.

Backends outside this package (``feedback_nlp.backends``) plug in through :mod:`.components`, never by import.
"""
