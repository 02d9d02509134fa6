#ifndef LIMITS_H_DANGJIAN
#define LIMITS_H_DANGJIAN
/*
 * Every cap on a growable thing, in one place (curl's dynbuf limits). A request that
 * would exceed one gets 413 or 422; it never grows memory without bound.
 */
#define CAP_REQUEST_BODY      (1u << 20)        /* JSON bodies: 1 MiB */
#define CAP_UPLOAD_BODY       (64u << 20)       /* import files: 64 MiB */
#define CAP_URL_LEN           2048
#define CAP_QUERY_ARGS        32
#define CAP_PER_PAGE          200
#define CAP_IMPORT_ROWS       2000000
#define CAP_IMPORT_ERRORS     10000             /* errors listed in one report */
#define CAP_CELL_LEN          4096              /* one CSV/XLSX cell */
#define CAP_XLSX_SHARED       (64u << 20)       /* shared strings: a county file holds ~7 MB */
#define CAP_XLSX_XML          (512u << 20)      /* uncompressed sheet */
#define CAP_TABLE_COLS        16384             /* columns in one imported/exported row (Excel's XFD) */
#define CAP_XLSX_STYLES       65536             /* cellXfs / numFmts entries in styles.xml */
#define CAP_XLSX_SHEETS       256               /* sheets looked at for the first worksheet */
#define CAP_EXPORT_BYTES      (512u << 20)      /* one exported CSV/XLSX file held in memory */
#define CAP_EXPORT_FILE_BYTES (8ull << 30)      /* one exported file sent from its temp file (10M members' CSV ~2.2 GB) */
#define CAP_ORG_DEPTH         12
#define CAP_NAME_LEN          64                /* bytes of UTF-8 */
#define CAP_TEXT_LEN          512
#endif
