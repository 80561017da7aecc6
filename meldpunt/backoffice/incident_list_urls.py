"""Incident list, new incident, categories and phases."""

urlpatterns: list = []
