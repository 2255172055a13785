"""Imports (backend/imports): limits on what an uploaded roster may be. All three are checked
before or while the file is read, so a hostile upload is refused instead of exhausting the worker.

DANGJIAN_IMPORT_MAX_BYTES          the largest upload, in bytes; default 20 MB.
DANGJIAN_IMPORT_MAX_UNCOMPRESSED   the most an .xlsx may inflate to (sum of its parts), in bytes;
                                   default 200 MB. Larger ones are refused as zip bombs.
DANGJIAN_IMPORT_MAX_ROWS           the most data rows in one file; default 200,000.
DANGJIAN_IMPORT_MAX_ISSUES         the most row issues an import keeps (and its report lists);
                                   every issue is counted; default 10,000.
DANGJIAN_IMPORT_KEEP_DAYS          how long an uploaded file and its error report are kept; default 7.
DANGJIAN_GRAPHQL_MAX_BODY_BYTES    a GraphQL request body larger than this is refused with 413
                                   before it is read: the upload limit plus 1 MB for the rest.
"""

from backend.config.env import env_int

__all__ = [
    "DANGJIAN_GRAPHQL_MAX_BODY_BYTES",
    "DANGJIAN_IMPORT_KEEP_DAYS",
    "DANGJIAN_IMPORT_MAX_BYTES",
    "DANGJIAN_IMPORT_MAX_ISSUES",
    "DANGJIAN_IMPORT_MAX_ROWS",
    "DANGJIAN_IMPORT_MAX_UNCOMPRESSED",
]

DANGJIAN_IMPORT_MAX_BYTES = env_int("DANGJIAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
DANGJIAN_IMPORT_MAX_UNCOMPRESSED = env_int("DANGJIAN_IMPORT_MAX_UNCOMPRESSED", 200 * 1024 * 1024)
DANGJIAN_IMPORT_MAX_ROWS = env_int("DANGJIAN_IMPORT_MAX_ROWS", 200_000)
DANGJIAN_IMPORT_MAX_ISSUES = env_int("DANGJIAN_IMPORT_MAX_ISSUES", 10_000)
DANGJIAN_IMPORT_KEEP_DAYS = env_int("DANGJIAN_IMPORT_KEEP_DAYS", 7)
DANGJIAN_GRAPHQL_MAX_BODY_BYTES = DANGJIAN_IMPORT_MAX_BYTES + 1024 * 1024
