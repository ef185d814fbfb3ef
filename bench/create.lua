-- wrk: DiscoDesk creations of discovery IDs (POST /), to fill the store with IDs
-- for the registration runs.
wrk.method = "POST"
