"""Running the classifier at scale: the HTTP service with micro-batching (:mod:`.service`, ``[service]`` extra),
Dask DataFrames with the model loaded once per worker (:mod:`.dask`, ``[dask]`` extra), and Spark DataFrames:
scoring, FP-growth mining and per-series forecasts (:mod:`.spark`, ``[spark]`` extra).
"""
