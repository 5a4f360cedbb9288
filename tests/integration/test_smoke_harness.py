def test_kudos_reaches_the_feed(api, org):
    given = api.call(
        "POST",
        "/v1/recognitions",
        as_employee="E1003",
        body={"recipient_ids": ["E1004"], "points": 10, "message": "thanks", "values": ["teamwork"]},
    )
    assert given.status == 201, given.body
    feed = api.call("GET", "/v1/recognitions?recipient=E1004", as_employee="E1005")
    assert feed.status == 200, feed.body
    assert [item["id"] for item in feed.json["items"]] == [given.json["id"]]
