-- Payment links tracked for enrichment: one row per SmartPay paymentLinkId given in an input row.
-- A cycle reads only OPEN links that are due, so its cost grows with the open links, not with the ledger.
CREATE TABLE payment_link (
    payment_link_id       VARCHAR(64)   NOT NULL PRIMARY KEY,
    entry_key             VARCHAR(200)  NOT NULL REFERENCES ledger_entry (entry_key),
    file_id               BIGINT        NOT NULL REFERENCES intake_file (id),
    line                  BIGINT        NOT NULL,
    tracking              VARCHAR(16)   NOT NULL,  -- OPEN | DONE (final state, or expiry + grace passed) | NOT_FOUND
    status_raw            VARCHAR(64),
    status_class          VARCHAR(16),             -- PENDING | AUTHORIZED | PAID | CANCELLED | EXPIRED | UNKNOWN
    latest_transaction_id VARCHAR(64),
    amount                DECIMAL(19, 4),
    currency              VARCHAR(3),
    expiry_date           TIMESTAMP WITH TIME ZONE,
    consumer_name         VARCHAR(200),
    consumer_email        VARCHAR(255),
    payment_url           VARCHAR(512),
    qr_code_url           VARCHAR(512),
    checks                INTEGER       NOT NULL,
    failures              INTEGER       NOT NULL,
    last_error            VARCHAR(1000),
    check_interval_s      BIGINT        NOT NULL,
    last_checked_at       TIMESTAMP WITH TIME ZONE,
    next_check_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX payment_link_due ON payment_link (tracking, next_check_at);
CREATE INDEX payment_link_file ON payment_link (file_id, line);

-- The base name the reports of a file were written under (x.csv -> x), so later reports of it use the same.
ALTER TABLE intake_file ADD COLUMN report_base VARCHAR(1024);
