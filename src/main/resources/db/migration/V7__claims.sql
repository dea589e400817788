-- Several instances on one PostgreSQL ledger: a delivery or a tracked link is taken by claiming it, a lease. claimed_by
-- names the claim (the instance and a claim number), claimed_until is when it lapses. A row whose claim is unset or has
-- lapsed may be claimed; a claim of an instance that died lapses, and another instance takes the row then. Outcomes are
-- recorded only by the holder of the claim (Deliveries), and recording one lets the claim go.
ALTER TABLE delivery ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE delivery ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE payment_link ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE payment_link ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
