"""Reading documents: each file format gives lines with marks, the text gives blocks, and one
recogniser finds organizations, positions and duties in the blocks.

- ``source``: a file's bytes into a ``SourceText``: encodings, refusals, folders walked
- ``formats``: Word, Excel, PDF and web pages as lines with ``Mark``s (style, number, cell)
- ``blocks``: the document model (heading, item, field, paragraph, ...), with locations
- ``text``: lines of text (plain, Markdown, reStructuredText, field forms) into blocks
- ``numbering``: the grammar of duty numbers (一、 1、 1. (1) (一)), several to a line
- ``profile``: language profiles (``profiles/*.toml``): labels, section names, cues
- ``recognise``: the position recogniser, a small state machine over blocks
- ``documents``: every source read, cleaned (``graph.clean``) and recognised, in a pool, cached
"""
