"""Overdue cases escalate one level up by themselves, once; webhooks reach DingTalk/WeCom robots."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.utils import timezone

from gridgov.cases.models import Case, CaseEvent, Escalation, Notification, WebhookDelivery, WebhookEndpoint
from gridgov.cases.services import notify
from gridgov.cases.services.escalation import escalate_one, escalate_overdue
from gridgov.cases.services.rating import close_unrated
from gridgov.cases.services.transitions import Action, act
from tests.cases import factories as f
from tests.factories import Personas


@pytest.fixture
def setup(personas: Personas, small_map: Any) -> Personas:
    f.categories()
    small_map.grids[0].leader = personas.cadre  # a grid leader for grid 1
    small_map.grids[0].save()
    personas.cadre.role = "grid_leader"
    personas.cadre.save()
    return personas


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_an_unaccepted_case_climbs_to_the_leader_then_the_command_centre(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker).case  # 助老服务: accept within 30 minutes
    assert escalate_overdue(later(10)) == 0
    assert escalate_overdue(later(31)) == 1
    case.refresh_from_db()
    assert (case.state, case.level, case.assignee) == ("escalated", 1, p.cadre)
    assert Notification.objects.filter(user=p.cadre, kind="escalated").exists()
    assert escalate_overdue(later(32)) == 0  # the leader has a fresh 30 minutes
    assert escalate_overdue(later(62)) == 1
    case.refresh_from_db()
    assert (case.level, case.assignee) == (2, p.operator)
    assert escalate_overdue(later(200)) == 0  # the command centre is the top
    assert list(Escalation.objects.filter(case=case).values_list("to_level", flat=True)) == [1, 2]


def test_escalation_happens_once_even_if_run_twice_or_restarted(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker).case
    when = later(31)
    assert escalate_one(case.pk, when) is True
    assert escalate_one(case.pk, when) is False  # a second worker, or a restarted one
    assert Escalation.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1


def test_a_worker_killed_mid_escalation_leaves_nothing_half_done(setup: Personas, monkeypatch: Any) -> None:
    p = setup
    case = f.report(p.worker).case
    from gridgov.cases.services import timeline

    def die(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt("worker killed")

    monkeypatch.setattr(timeline, "tell_holder", die)
    with pytest.raises(KeyboardInterrupt):
        escalate_one(case.pk, later(31))
    case.refresh_from_db()
    assert case.level == 0 and not Escalation.objects.filter(case=case).exists()
    monkeypatch.undo()
    assert escalate_overdue(later(31)) == 1  # the restarted worker escalates, once
    assert Escalation.objects.filter(case=case).count() == 1


def test_unrated_cases_close_by_themselves(setup: Personas, settings: Any) -> None:
    p = setup
    case = f.report(p.worker).case
    for name in ("accept", "dispatch", "start"):
        case = act(p.worker, case.pk, Action(name, case.version))
    case = act(p.worker, case.pk, Action("resolve", case.version, "done"))
    assert close_unrated(timezone.now() + dt.timedelta(hours=1)) == 0
    assert close_unrated(timezone.now() + dt.timedelta(hours=settings.GRIDGOV_CASE_AUTOCLOSE_HOURS + 1)) == 1
    assert Case.objects.get(pk=case.pk).state == "closed"


class Robot(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []
    answers: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Robot.received.append((self.path, body))
        answer = Robot.answers.pop(0) if Robot.answers else {"errcode": 0, "errmsg": "ok"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robot() -> Iterator[str]:
    Robot.received, Robot.answers = [], []
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send"
    server.shutdown()


def test_webhooks_in_dingtalk_and_wecom_formats_with_retry(setup: Personas, robot: str) -> None:
    p = setup
    WebhookEndpoint.objects.create(
        name="钉钉", url=robot + "?access_token=t", format="dingtalk", secret="SEC", kinds="escalated"
    )
    WebhookEndpoint.objects.create(name="企业微信", url=robot + "?key=k", format="wecom", kinds="escalated")
    Robot.answers = [{"errcode": 310000, "errmsg": "sign not match"}]  # the first attempt fails
    f.report(p.worker)
    escalate_overdue(later(31))
    assert notify.deliver_due() == 2
    assert {d.status for d in WebhookDelivery.objects.all()} == {"delivered", "pending"}
    failed = WebhookDelivery.objects.get(status="pending")
    assert failed.attempts == 1 and "310000" in failed.last_error and failed.next_attempt_at > timezone.now()
    WebhookDelivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    assert notify.deliver_due() == 1
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    dingtalk = [b for path, b in Robot.received if "access_token" in path]
    wecom = [b for path, b in Robot.received if "key=k" in path]
    assert dingtalk[0]["msgtype"] == "markdown" and "title" in dingtalk[0]["markdown"]
    assert wecom[0]["msgtype"] == "markdown" and "content" in wecom[0]["markdown"]
    assert all(
        "timestamp=" in path and "sign=" in path for path, _b in Robot.received if "access_token" in path
    )
