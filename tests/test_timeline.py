"""graphkit timeline: the Apple-Alibaba story in order, with its sources."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.timeline import timeline
from plugins.chromium import wait_until


def test_apple_story_in_report_order(seed_graph):
    events = [e for e in timeline(seed_graph, "apple").reported if e.fact == "apple partners-with alibaba"]
    assert [(e.date, e.kind, e.status) for e in events] == [
        ("2025-02-11", "status", "reported"),
        ("2025-02-13", "status", "confirmed"),
        ("2025-02", "reported", "confirmed"),  # Digital Trends' article (February 2025), after both
    ]
    assert events[0].sources[0]["publisher"] == "Reuters"
    assert events[1].text == "apple partners-with alibaba: reported -> confirmed (Bloomberg)"
    assert events[2].sources[0]["id"] == "digitaltrends-2025-02-apple-alibaba"


def test_valid_order_and_ended_facts(seed_graph):
    valid = timeline(seed_graph, "honor").valid
    assert [(e.date, e.kind, e.fact) for e in valid if "huawei" in e.fact] == [
        ("2020-11", "ends", "honor subsidiary-of huawei"), ("2020-11", "starts", "honor spun-off-from huawei")]
    dates = [e.date for e in timeline(seed_graph, "apple").valid]
    assert dates == sorted(dates)


def test_cli_timeline(tmp_path):
    result = CliRunner().invoke(main, ["timeline", "Apple"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    story = [line for line in lines if "apple partners-with alibaba" in line]
    assert story[0].strip().startswith("2025-02") and "starts" in story[0]  # valid time first
    assert "2025-02-11  apple partners-with alibaba: reported (Reuters)" in result.output
    assert lines.index(story[1]) < lines.index(story[2])
    data = json.loads(CliRunner().invoke(main, ["timeline", "alibaba", "--format", "json"]).output)
    assert data["entity"]["id"] == "alibaba" and data["reported"]
    missing = CliRunner().invoke(main, ["timeline", "Aple"])
    assert missing.exit_code == 2 and "did you mean" in missing.output


# ----------------------------------------------------------------------------- the page (Chromium)

@pytest.mark.browser
def test_page_panel_timeline_and_time_switch(tmp_path, seed_graph, browser):
    from graphkit.page import write_page

    path = tmp_path / "seed.html"
    write_page(seed_graph, path)
    statement = next(s for s in seed_graph.statements if (s.subject, s.relation, s.object) == ("apple", "partners-with", "alibaba"))
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.resolve().as_uri())

        wait_until(page, "window.graphkit && window.graphkit.ready === true")
        page.locator("#gk-search").fill("Apple")
        page.locator("#gk-search").press("Enter")
        wait_until(page, "document.getElementById('gk-panel-body').getAttribute('data-id') === 'apple'")
        items = page.locator("#gk-panel-body ul.gk-timeline").nth(1).locator("li")
        story = [items.nth(i).inner_text() for i in range(items.count())
                 if "Alibaba" in items.nth(i).inner_text() and "partners" in items.nth(i).inner_text()]
        assert story[0].startswith("2025-02-11") and "Reuters" in story[0]
        assert story[1].startswith("2025-02-13") and "confirmed" in story[1] and "Bloomberg" in story[1]
        assert story[2].startswith("2025-02 ") and "Digital Trends" in story[2]

        def visible_at(day: str, mode: str) -> bool:
            page.select_option("#gk-time", mode)
            index = page.evaluate("d => window.graphkit.data.dates.indexOf(d)", day)
            assert index >= 0, day
            page.evaluate("""i => { const input = document.getElementById('gk-date');
                input.value = String(i); input.dispatchEvent(new Event('input')); }""", index)
            return statement.id in page.evaluate("window.graphkit.visibleEdgeIds()")

        assert not visible_at("2025-01-28", "valid")  # before since 2025-02
        assert visible_at("2025-02-01", "valid")
        assert not visible_at("2025-02-01", "known")  # not reported yet
        assert visible_at("2025-02-11", "known")
        assert errors == []
    finally:
        context.close()
