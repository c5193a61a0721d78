"""Chat quality inspection (质检): emotion, escalation, compliance, warmth (EVI), gaming.

Every analyzer works offline on :class:`~shopkpi.qa.model.QAMessage` lists and returns
:class:`~shopkpi.qa.model.Finding` rows; :mod:`shopkpi.qa.pipeline` runs them over the
warehouse's chats and stores ``qa_finding``.
"""
