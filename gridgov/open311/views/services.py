"""GET services and GET services/{code}: the categories a jurisdiction exposes, with attributes."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from gridgov.cases.models import Category
from gridgov.open311.render import Format, Reply, Value
from gridgov.open311.services import Attribute, attributes_of, service_for
from gridgov.open311.views.base import endpoint, not_found


def exposed() -> list[Category]:
    return list(Category.objects.filter(open311=True, active=True).select_related("parent").order_by("code"))


def exposed_category(code: str) -> Category:
    category = (
        Category.objects.select_related("department").filter(code=code, open311=True, active=True).first()
    )
    if category is None:
        raise not_found(_("service_code %(code)s is not a service offered here.") % {"code": code})
    return category


def _service(category: Category) -> dict[str, Value]:
    spec = service_for(category.code)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": spec.description if spec else category.name,
        "metadata": bool(attributes_of(category.code)),
        "type": "realtime",
        "keywords": ", ".join(category.keyword_list()),
        "group": category.parent.name if category.parent is not None else "",
    }


def _attribute(order: int, attribute: Attribute) -> dict[str, Value]:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": order,
        "description": attribute.description,
        "values": [{"key": key, "name": name} for key, name in attribute.values],
    }


@endpoint("GET")
def service_list(request: HttpRequest, fmt: Format) -> Reply:
    return Reply("services", [_service(c) for c in exposed()])


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: Format, code: str) -> Reply:
    category = exposed_category(code)
    attributes: list[Value] = [_attribute(n, a) for n, a in enumerate(attributes_of(category.code), 1)]
    return Reply("service_definition", {"service_code": category.code, "attributes": attributes})
