"""Views by topic, routed one by one from reports/urls.py: the editor and exports (editor), the
list and 回收站 (reports), review and approval (review), the 指标库 (metrics), import and carry
forward (imports); common holds the request helpers they share."""
