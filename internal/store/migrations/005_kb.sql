-- The help-center knowledge base: one row per article and locale. The same
-- id is shared by the translations of a topic. questions is a JSON array of
-- example user phrasings. Times are Unix milliseconds (BIGINT).
CREATE TABLE articles (
    id         TEXT NOT NULL,
    locale     TEXT NOT NULL,
    category   TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    questions  TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'published',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (id, locale)
);
CREATE INDEX articles_locale_category ON articles (locale, category);
