"""Analysis: SLA clocks, KPIs and aggregations over the store, without Qt."""
