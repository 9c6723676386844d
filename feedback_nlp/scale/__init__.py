"""Running the classifier at scale: the HTTP service with micro-batching (:mod:`.service`, ``[service]`` extra) and
Dask DataFrames with the model loaded once per worker (:mod:`.dask`, ``[dask]`` extra).
"""
