"""Calibration against published series (issue 23): targets, the calibration file, and ABC-SMC with pyabc."""
