"""Design-based estimation for polls, Django-free: survey designs as R's ``svydesign`` builds
them (strata, one- or multi-stage clusters, weights, finite population corrections),
post-stratification and raking, Taylor-linearisation and replicate-weight (JK1, bootstrap)
variances, and domain estimates as ``svyby`` gives them. Every figure is checked against
R's survey package (tests/core/survey).
"""
