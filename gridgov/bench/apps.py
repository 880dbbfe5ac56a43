from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "gridgov.bench"
    label = "bench"
    verbose_name = "Benchmarks"
