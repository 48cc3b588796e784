"""The JSON API, version 1, at /api/v1/ (django-ninja).

The OpenAPI 3 document is at /api/v1/openapi.json and the interactive docs at
/api/v1/docs, served from this server alone (no CDN): the Swagger UI files that
django-ninja ships are served by `pairaid.api.views.docs_asset`.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from pairaid.api import errors
from pairaid.api.auth import LoggedInSession, TokenAuth
from pairaid.api.endpoints import audit, evidence, figures, generic, money, people, places, work

DESCRIPTION = """\
pairaid（对口帮扶工作台账）的 JSON 接口，供对接系统读取和登记台账记录。

**身份验证**：在“接口令牌”页面（/api/tokens/）或用 `pairaid token create` 创建个人令牌，
每个请求带上 `Authorization: Bearer <令牌>`。只读令牌只能读取；修改数据需要读写令牌。
令牌的权限范围与该用户在网页上的范围相同：范围以外的记录一律答复 404。

**写入**：与网页相同，经过台账的服务函数（校验规则、权限、审计记录）。资金记录只能登记、
冲销、确认或提出异议，不能修改或删除。新建请求可带 `Idempotency-Key` 请求头，重试时不会重复登记。

**金额**：以元为单位的字符串，两位小数（如 `"146547300.00"`），不用浮点数。

**列表与分页**：列表按记录编号（id）升序排列，用 `limit`（≤500）与 `offset` 翻页，或用游标：
把上一页的 `next_after` 作为 `after` 传入（offset 置 0）。新增记录编号更大，翻页结果稳定。

**错误**：均为 JSON。422 的 `errors` 按字段列出中文说明；400 请求体不是有效的 JSON；
415 请求体不是 `application/json`；401 未验证身份；403 无权操作；
404 不存在或不在权限范围内；409 与同时提交的记录冲突。

**统计数字**：`/figures/` 由统计口径模块计算，每个数字带口径说明（rule）与截至日期（as_of）。
"""


class LocalSwagger(DocsBase):
    """Swagger UI from files served by pairaid itself, with the session's CSRF token for
    "Try it out" when logged in."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # Swagger UI would otherwise ask swagger.io
        }
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "swagger_settings": json.dumps(settings),
                "asset": {
                    name.replace("-", "_").replace(".", "_"): reverse("api_docs_asset", args=[name])
                    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js")
                },
            },
        )


class ReadableJSON(JSONRenderer):
    """UTF-8 JSON with Chinese as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class PairaidAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return errors.document_body_errors(super().get_openapi_schema(**kwargs))

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short, stable ids ("create_fund_flow") for generated clients.
        return operation.view_func.__name__


api = PairaidAPI(
    title="pairaid 接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    renderer=ReadableJSON(),
    parser=errors.JSONOnlyParser(),
    auth=[TokenAuth(), LoggedInSession()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

for module in (places, money, people, work, generic, figures, audit, evidence):
    api.add_router("", module.router)
