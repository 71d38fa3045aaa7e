"""The analytics store: append-only Parquet copies of the large read-mostly tables (ratings …),
partitioned by month and read through one SQL text by DuckDB or Apache Spark."""
