"""Reports: Altair charts (`reports.charts`) and the offline HTML report (`reports.render`)."""
