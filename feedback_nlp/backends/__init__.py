"""Optional model backends that plug into :class:`feedback_nlp.classify.classifier.FeedbackClassifier`: fine-tuned
transformer sentiment (:mod:`.transformer`) and topics (:mod:`.transformer_topics`), behind the ``[transformers]``
extra. They register as ``sentiment/transformers`` and ``topics/transformers`` in the ``feedback_nlp.components``
entry-point group; importing this package never imports torch.
"""
