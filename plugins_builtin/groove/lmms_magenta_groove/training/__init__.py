"""Training, export and evaluation of the groove model (never imported by the runtime plugin).

Needs the ``train`` extra (torch, tqdm, onnx, onnxruntime) except for :mod:`.data`
and :mod:`.evaluate`, which use numpy (and onnxruntime to run the exported model).
"""
