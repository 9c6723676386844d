"""Analyses of classified feedback: co-occurrence rules (:mod:`.cooccurrence`), volume forecasts (:mod:`.forecast`),
words and issues (:mod:`.terms`), alerts (:mod:`.alerts`), survey scores and t-tests (:mod:`.scores`), the heatmap
(:mod:`.heatmap`), customer value by RFM (:mod:`.customers`), the spread of negative feedback through reposts and
mentions (:mod:`.spread`), the HTML report (:mod:`.report`) and CJK-ready plotting (:mod:`.plotting`).

DataFrames in, DataFrames out; pandas, jieba and matplotlib load only when a function needs them.
"""
