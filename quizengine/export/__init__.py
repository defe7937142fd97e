"""Export a bank to learning-management systems: Moodle XML, GIFT and IMS QTI 2.1.

One module per format (:mod:`moodle`, :mod:`gift`, :mod:`qti21`) over shared pieces: the
scoring rule as per-choice credit (:mod:`credit`), the evidence from the cached verify run
(:mod:`evidence`), Markdown rendered to HTML (:mod:`html`), the texts every format shows
(:mod:`content`), and the run that ties them together (:mod:`exporter`). See docs/export.md.
"""
