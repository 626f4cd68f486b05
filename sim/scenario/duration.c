/*
 * duration.c — durations ("250us", "1.5ms", "10s", "2m", "1h", or integer ms) and
 * exact decimal numbers, with no floating point in any result.
 *
 * Role: the loader reads every time value through `scn__parse_duration` and every
 *   probability through `scn__number_fixed`; the CLI parses `--until` and `--at` with
 *   `scn_parse_duration`.
 * Model: spec "Units": one number (decimals allowed) and one unit, or an integer number
 *   of milliseconds; time is integer microseconds; probabilities are parts per
 *   million.
 * Owns / borrows: nothing.
 * Invariants: a result is exact or refused: "1.5ms" is 1500us; "0.5us" is refused (not
 *   a whole microsecond); nothing overflows 64 bits silently.
 * Determinism: integer arithmetic only. A JSON real (a double, as jansson stores it) is
 *   first turned back into its shortest decimal text, which is the text the author
 *   wrote for any number of 15 significant digits or fewer; that text is then read
 *   exactly. glibc's printf/strtod round correctly, so this is the same everywhere.
 * Not modelled: exponents, signs and spaces in duration strings.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a) return false;
    *out = a * b;
    return true;
}

static bool add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b > UINT64_MAX - a) return false;
    *out = a + b;
    return true;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        const uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Microseconds per unit, 0 if `unit` is not one. */
static uint64_t unit_us(const char *unit, size_t len)
{
    if (len == 2 && memcmp(unit, "us", 2) == 0) return 1u;
    if (len == 2 && memcmp(unit, "ms", 2) == 0) return 1000u;
    if (len == 1 && unit[0] == 's') return 1000000u;
    if (len == 1 && unit[0] == 'm') return 60000000u;
    if (len == 1 && unit[0] == 'h') return 3600000000u;
    return 0;
}

scn__dur_status scn__parse_duration(const char *text, size_t len, sim_time *out)
{
    SIM_ASSERT(text != NULL || len == 0);
    SIM_ASSERT(out != NULL);
    size_t i = 0;
    while (i < len && is_digit(text[i])) i++;
    const size_t int_end = i;
    if (int_end == 0) return SCN__DUR_SYNTAX;
    size_t frac_start = i, frac_end = i;
    if (i < len && text[i] == '.') {
        frac_start = ++i;
        while (i < len && is_digit(text[i])) i++;
        frac_end = i;
        if (frac_end == frac_start) return SCN__DUR_SYNTAX;
    }
    uint64_t mult = 1000u; /* a bare integer is milliseconds */
    if (i < len) {
        mult = unit_us(text + i, len - i);
        if (mult == 0) return SCN__DUR_SYNTAX;
    } else if (frac_end > frac_start) {
        return SCN__DUR_SYNTAX; /* "1.5" with no unit */
    }
    /* Fraction: strip trailing zeros; more than 12 significant digits can never be a
     * whole number of microseconds (no unit has more than 2^10 · 5^8 in it). */
    while (frac_end > frac_start && text[frac_end - 1] == '0') frac_end--;
    const size_t frac_digits = frac_end - frac_start;
    uint64_t frac_us = 0;
    if (frac_digits > 12) return SCN__DUR_FRACTION;
    if (frac_digits > 0) {
        uint64_t num = 0, den = 1;
        for (size_t k = frac_start; k < frac_end; k++) {
            num = num * 10u + (uint64_t)(text[k] - '0');
            den *= 10u;
        }
        /* num/den × mult is whole iff (den / g) divides num, with g = gcd(mult, den). */
        const uint64_t g = gcd_u64(mult, den);
        if (num % (den / g) != 0) return SCN__DUR_FRACTION;
        frac_us = num / (den / g) * (mult / g);
    }
    uint64_t whole = 0;
    for (size_t k = 0; k < int_end; k++) {
        if (!mul_u64(whole, 10u, &whole) || !add_u64(whole, (uint64_t)(text[k] - '0'), &whole)) {
            return SCN__DUR_OVERFLOW;
        }
    }
    uint64_t us = 0;
    if (!mul_u64(whole, mult, &us) || !add_u64(us, frac_us, &us)) return SCN__DUR_OVERFLOW;
    *out = us;
    return SCN__DUR_OK;
}

bool scn_parse_duration(const char *text, sim_time *out)
{
    if (text == NULL || out == NULL) return false;
    sim_time us = 0;
    if (scn__parse_duration(text, strlen(text), &us) != SCN__DUR_OK) return false;
    *out = us;
    return true;
}

const char *scn__real_text(double value, char *buf, size_t size)
{
    SIM_ASSERT(size >= 32);
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value) return buf;
    }
    return buf; /* %.17g always round-trips */
}

/* Reads decimal text "[-]D[.D][e[+-]D]" as mantissa × 10^exponent. */
static bool read_decimal(const char *s, bool *negative, uint64_t *mantissa, long *exponent)
{
    size_t i = 0;
    *negative = s[i] == '-';
    if (*negative) i++;
    uint64_t m = 0;
    long e = 0;
    size_t digits = 0;
    bool in_fraction = false;
    for (; s[i] != '\0' && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            in_fraction = true;
            continue;
        }
        if (!is_digit(s[i])) return false;
        if (m == 0 && s[i] == '0') {
            if (in_fraction) e--;
            continue;
        }
        if (++digits > 18) return false; /* %.17g never gives more */
        m = m * 10u + (uint64_t)(s[i] - '0');
        if (in_fraction) e--;
    }
    if (s[i] == 'e' || s[i] == 'E') e += strtol(s + i + 1, NULL, 10);
    *mantissa = m;
    *exponent = e;
    return true;
}

scn__fixed_status scn__number_fixed(const json_t *number, uint32_t scale_digits, uint64_t max,
                                    uint64_t *out)
{
    SIM_ASSERT(json_is_number(number));
    SIM_ASSERT(scale_digits <= 18);
    uint64_t mantissa = 0;
    long exponent = 0;
    bool negative = false;
    if (json_is_integer(number)) {
        const json_int_t v = json_integer_value(number);
        negative = v < 0;
        mantissa = negative ? 0 : (uint64_t)v;
        if (negative) return SCN__FIXED_RANGE;
    } else {
        char text[40];
        scn__real_text(json_real_value(number), text, sizeof text);
        if (!read_decimal(text, &negative, &mantissa, &exponent)) return SCN__FIXED_RANGE;
        if (negative && mantissa != 0) return SCN__FIXED_RANGE;
    }
    long shift = exponent + (long)scale_digits;
    uint64_t v = mantissa;
    if (v == 0) shift = 0;
    for (; shift < 0; shift++) {
        if (v % 10u != 0) return SCN__FIXED_PRECISION;
        v /= 10u;
    }
    for (; shift > 0; shift--) {
        if (!mul_u64(v, 10u, &v)) return SCN__FIXED_RANGE;
    }
    if (v > max) return SCN__FIXED_RANGE;
    *out = v;
    return SCN__FIXED_OK;
}
