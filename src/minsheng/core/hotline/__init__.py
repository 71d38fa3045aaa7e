"""The citizen hotline (12345) without Django: the words of a work order, its working-day
deadlines, the rows of a hotline platform's export, and the monthly metrics."""
