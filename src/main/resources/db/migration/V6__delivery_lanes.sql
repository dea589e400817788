-- Every webhook endpoint is sent from its own lane: the dispatcher looks up the due deliveries of one output and
-- target at a time, and which targets have any.
CREATE INDEX delivery_lane ON delivery (output, state, target, next_attempt_at);
