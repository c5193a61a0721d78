"""SQL macros that clean export cells set-based (DuckDB dialect).

Each macro takes the raw string cell. ``sk_text`` strips the export quirks every column
shares: Excel's ``="…"`` wrapper, a leading ``'`` and surrounding (full-width) spaces.
Typed cleaners return NULL when the cell is blank *or* unparseable; the ingest layer tells
those apart with ``sk_blank`` to decide whether to quarantine the row.
"""

from __future__ import annotations

_WS = r"[\s\x{3000}\x{feff}]"

MACROS: list[str] = [
    # Text: drop ="…", a leading ', whitespace; blank → NULL.
    rf"""CREATE OR REPLACE TEMP MACRO sk_text(s) AS nullif(
        regexp_replace(regexp_replace(regexp_replace(s, '^{_WS}+|{_WS}+$', '', 'g'),
            '^="(.*)"$', '\1', 's'), '^''', ''), '')""",
    # Placeholders that mean "no value" in money/time columns.
    """CREATE OR REPLACE TEMP MACRO sk_nullish(s) AS
        sk_text(s) IS NULL OR sk_text(s) IN ('-', '--', '—', 'null', 'NULL', 'None', 'nan', 'NaN',
            '0000-00-00 00:00:00', '1970-01-01 08:00:00')""",
    "CREATE OR REPLACE TEMP MACRO sk_blank(s) AS sk_nullish(s)",
    # Ids: Excel's scientific notation (1.93068E+15) lost digits, so such cells never become
    # ids. Excel always writes one leading digit and a signed exponent; requiring both keeps
    # hex ids such as 401013266745e5661589292315434968 (seen in real data) from matching.
    r"""CREATE OR REPLACE TEMP MACRO sk_is_sci(s) AS
        regexp_full_match(coalesce(sk_text(s), ''), '[0-9](\.[0-9]+)?[eE][+-][0-9]{1,3}')""",
    r"""CREATE OR REPLACE TEMP MACRO sk_id(s) AS CASE WHEN sk_is_sci(s) THEN NULL
        ELSE regexp_replace(sk_text(s), '\.0$', '') END""",
    # Money: ¥/￥/元/thousands separators; 无退款申请 means zero; 延迟统计 means not final (NULL).
    r"""CREATE OR REPLACE TEMP MACRO sk_money(s) AS CASE
        WHEN sk_text(s) IN ('无退款申请', '无', '无退款') THEN 0::DECIMAL(18,2)
        WHEN sk_nullish(s) OR sk_text(s) = '延迟统计' THEN NULL
        ELSE TRY_CAST(regexp_replace(sk_text(s), '[¥￥元,\s]|^RMB', '', 'g') AS DECIMAL(18,2)) END""",
    r"""CREATE OR REPLACE TEMP MACRO sk_decimal(s) AS CASE
        WHEN sk_nullish(s) OR sk_text(s) = '延迟统计' THEN NULL
        ELSE TRY_CAST(regexp_replace(sk_text(s), '[,\s]', '', 'g') AS DECIMAL(18,4)) END""",
    # Percent: '98.5%' → 0.985; a bare number is taken as a fraction already.
    r"""CREATE OR REPLACE TEMP MACRO sk_pct(s) AS CASE
        WHEN sk_nullish(s) OR sk_text(s) = '延迟统计' THEN NULL
        WHEN ends_with(sk_text(s), '%') THEN TRY_CAST(rtrim(sk_text(s), '%') AS DECIMAL(18,6)) / 100
        ELSE TRY_CAST(sk_text(s) AS DECIMAL(18,6)) END""",
    r"""CREATE OR REPLACE TEMP MACRO sk_int(s) AS CASE WHEN sk_nullish(s) THEN NULL ELSE
        TRY_CAST(TRY_CAST(regexp_replace(sk_text(s), '[,\s件个]', '', 'g') AS DECIMAL(38,6)) AS BIGINT) END""",
    # Local timestamps in every style the exports use, or an Excel serial day number.
    r"""CREATE OR REPLACE TEMP MACRO sk_ts_local(s) AS CASE WHEN sk_nullish(s) THEN NULL ELSE coalesce(
        try_strptime(regexp_replace(sk_text(s), '\s+', ' ', 'g'), ['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S',
            '%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S.%f', '%Y/%m/%d %H:%M', '%Y-%m-%d %H:%M',
            '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%g', '%Y%m%d%H%M%S', '%Y-%m-%d', '%Y/%m/%d',
            '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日', '%Y%m%d']),
        CASE WHEN regexp_full_match(sk_text(s), '[1-9][0-9]{4}(\.[0-9]+)?')
             THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST(sk_text(s) AS DOUBLE) * 86400e6) AS BIGINT))
        END) END""",
    # Local wall-clock time in a shop's zone → UTC instant (naive TIMESTAMP, always UTC).
    "CREATE OR REPLACE TEMP MACRO sk_utc(ts, tz) AS timezone('UTC', timezone(tz, ts))",
    "CREATE OR REPLACE TEMP MACRO sk_local(ts, tz) AS timezone(tz, timezone('UTC', ts))",
    r"""CREATE OR REPLACE TEMP MACRO sk_date(s) AS CAST(sk_ts_local(s) AS DATE)""",
    r"""CREATE OR REPLACE TEMP MACRO sk_time(s) AS CASE WHEN sk_nullish(s) THEN NULL ELSE coalesce(
        CAST(try_strptime(sk_text(s), ['%H:%M:%S', '%H:%M']) AS TIME),
        CASE WHEN regexp_full_match(sk_text(s), '0?\.[0-9]+')
             THEN TIME '00:00:00' + to_microseconds(CAST(round(TRY_CAST(sk_text(s) AS DOUBLE) * 86400e6) AS BIGINT))
        END) END""",
    r"""CREATE OR REPLACE TEMP MACRO sk_bool(s) AS CASE
        WHEN sk_text(s) IN ('是', 'Y', 'y', 'yes', 'YES', 'true', 'TRUE', 'True', '1', '需要') THEN true
        WHEN sk_text(s) IN ('否', 'N', 'n', 'no', 'NO', 'false', 'FALSE', 'False', '0', '不需要') THEN false
        END""",
]
