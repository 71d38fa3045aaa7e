"""Satisfaction polls without Django: answer scales, the respondent file from a vendor and its
checks. Estimation lives in ``core.survey``."""
