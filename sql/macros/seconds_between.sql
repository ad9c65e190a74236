-- macro: seconds_between
-- Seconds from instant a to instant b, exact to the microsecond (epoch() doubles lose it at 1.5e9 s).
CREATE OR REPLACE MACRO seconds_between(a, b) AS (epoch_us(b) - epoch_us(a)) / 1000000.0;
