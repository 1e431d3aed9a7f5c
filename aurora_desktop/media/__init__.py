"""A job's media, without Qt widgets: inspecting and checking the inputs (inspect.py; the same
rules serve the client before anything is spent and the sandbox as the service would apply
them, so the two can never disagree), phone photos (photo.py), voice memos (convert.py), and
decoding and encoding with the FFmpeg Qt ships (decode.py, encode.py), and the voice editor's
core: pauses, trimming and split points (silence.py), sample-exact cuts (voice_edit.py).

Nothing is imported here: the window's first paint needs none of it, so Pillow and Qt's
decoder load when a file is first looked at.
"""
