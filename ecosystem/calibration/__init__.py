"""Calibration against published series: targets, the calibration file, and ABC-SMC with pyabc."""
