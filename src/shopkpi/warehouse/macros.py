"""SQL macros that clean export cells set-based (DuckDB dialect).

``sk_text`` strips the quirks every column shares: Excel's ``="…"`` wrapper, a leading
``'`` and surrounding (full-width) spaces; blank becomes NULL. Each typed cleaner comes in
two forms: ``sk_money_t(t)`` takes text already cleaned by ``sk_text`` (the ingest layer
cleans each column once, then types it), and ``sk_money(s)`` takes the raw cell.
Typed cleaners return NULL when the cell is blank *or* unparseable; the ingest layer tells
those apart with ``sk_nullish`` to decide whether to quarantine the row.
"""

from __future__ import annotations

_WS = r"[\s\x{3000}\x{feff}]"

# Placeholders that mean "no value" in money and time columns.
_NULLISH = (
    "'-', '--', '—', 'null', 'NULL', 'None', 'nan', 'NaN', "
    "'0000-00-00 00:00:00', '1970-01-01 08:00:00'"
)
_TS_FORMATS = (
    "['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S.%f',"
    " '%Y/%m/%d %H:%M', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%g',"
    " '%Y%m%d%H%M%S', '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M',"
    " '%Y年%m月%d日', '%Y%m%d']"
)

# Typed cleaners over cleaned text t (the output of sk_text).
_TYPED: dict[str, str] = {
    "sk_nullish": f"t IS NULL OR t IN ({_NULLISH})",
    # Excel's scientific notation (1.93068E+15) lost digits, so such cells never become
    # ids. Excel writes one leading digit and a signed exponent; requiring both keeps hex
    # ids such as 401013266745e5661589292315434968 (seen in real data) from matching.
    "sk_is_sci": r"regexp_full_match(coalesce(t, ''), '[0-9](\.[0-9]+)?[eE][+-][0-9]{1,3}')",
    "sk_id": r"CASE WHEN sk_is_sci_t(t) THEN NULL ELSE regexp_replace(t, '\.0$', '') END",
    # 无退款申请 means zero; 延迟统计 means not final yet (NULL, never 0).
    "sk_money": r"""CASE WHEN t IN ('无退款申请', '无', '无退款') THEN 0::DECIMAL(18,2)
        WHEN sk_nullish_t(t) OR t = '延迟统计' THEN NULL
        ELSE TRY_CAST(regexp_replace(t, '[¥￥元,\s]|^RMB', '', 'g') AS DECIMAL(18,2)) END""",
    "sk_decimal": r"""CASE WHEN sk_nullish_t(t) OR t = '延迟统计' THEN NULL
        ELSE TRY_CAST(regexp_replace(t, '[,\s]', '', 'g') AS DECIMAL(18,4)) END""",
    # '98.5%' → 0.985; a bare number is taken as a fraction already.
    "sk_pct": r"""CASE WHEN sk_nullish_t(t) OR t = '延迟统计' THEN NULL
        WHEN ends_with(t, '%') THEN TRY_CAST(rtrim(t, '%') AS DECIMAL(18,6)) / 100
        ELSE TRY_CAST(t AS DECIMAL(18,6)) END""",
    "sk_int": r"""CASE WHEN sk_nullish_t(t) THEN NULL ELSE
        TRY_CAST(TRY_CAST(regexp_replace(t, '[,\s件个]', '', 'g') AS DECIMAL(38,6)) AS BIGINT) END""",
    # Local timestamps in every style the exports use, or an Excel serial day number.
    "sk_ts_local": rf"""CASE WHEN sk_nullish_t(t) THEN NULL ELSE coalesce(
        try_strptime(regexp_replace(t, '\s+', ' ', 'g'), {_TS_FORMATS}),
        CASE WHEN regexp_full_match(t, '[1-9][0-9]{{4}}(\.[0-9]+)?')
             THEN TIMESTAMP '1899-12-30'
                  + to_microseconds(CAST(round(TRY_CAST(t AS DOUBLE) * 86400e6) AS BIGINT))
        END) END""",
    "sk_date": "CAST(sk_ts_local_t(t) AS DATE)",
    "sk_time": r"""CASE WHEN sk_nullish_t(t) THEN NULL ELSE coalesce(
        CAST(try_strptime(t, ['%H:%M:%S', '%H:%M']) AS TIME),
        CASE WHEN regexp_full_match(t, '0?\.[0-9]+')
             THEN TIME '00:00:00'
                  + to_microseconds(CAST(round(TRY_CAST(t AS DOUBLE) * 86400e6) AS BIGINT))
        END) END""",
    "sk_bool": """CASE
        WHEN t IN ('是', 'Y', 'y', 'yes', 'YES', 'true', 'TRUE', 'True', '1', '需要') THEN true
        WHEN t IN ('否', 'N', 'n', 'no', 'NO', 'false', 'FALSE', 'False', '0', '不需要') THEN false
        END""",
}

MACROS: list[str] = [
    rf"""CREATE OR REPLACE TEMP MACRO sk_text(s) AS nullif(
        regexp_replace(regexp_replace(regexp_replace(s, '^{_WS}+|{_WS}+$', '', 'g'),
            '^="(.*)"$', '\1', 's'), '^''', ''), '')""",
    *(f"CREATE OR REPLACE TEMP MACRO {name}_t(t) AS {body}" for name, body in _TYPED.items()),
    *(f"CREATE OR REPLACE TEMP MACRO {name}(s) AS {name}_t(sk_text(s))" for name in _TYPED),
    "CREATE OR REPLACE TEMP MACRO sk_blank(s) AS sk_nullish(s)",
    # Local wall-clock time in a shop's zone → UTC instant (naive TIMESTAMP, always UTC).
    "CREATE OR REPLACE TEMP MACRO sk_utc(ts, tz) AS timezone('UTC', timezone(tz, ts))",
    "CREATE OR REPLACE TEMP MACRO sk_local(ts, tz) AS timezone(tz, timezone('UTC', ts))",
]
