"""Working days in mainland China: weekends, public holidays and the make-up working days
(调休) the State Council publishes each year, and deadlines counted in working days."""
