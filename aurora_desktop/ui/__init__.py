"""Widgets only: the one package that imports QtWidgets. A thin layer over the engine."""
