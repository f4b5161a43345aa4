-- Help-center feedback: how many readers found an article helpful or not,
-- per article and locale. Counts are incremented in place; a deleted
-- article takes its counts with it.
CREATE TABLE help_votes (
    article_id  TEXT NOT NULL,
    locale      TEXT NOT NULL,
    helpful     BIGINT NOT NULL DEFAULT 0,
    not_helpful BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (article_id, locale),
    FOREIGN KEY (article_id, locale) REFERENCES articles (id, locale) ON DELETE CASCADE
);
