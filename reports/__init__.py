"""Reports: Altair charts (`drillscope.reports.charts`) and the offline HTML report (`drillscope.reports.render`)."""
