"""The office console in a real browser: Debian's headless Chromium driven by Playwright
(pointed at /usr/bin/chromium; nothing downloads a browser of its own).

Sign in through the form, filter the list, open a ticket, add a note, transfer it and see
the group message the chat side sends; a leader cannot reach another grid's ticket; a POST
without the CSRF token is refused; a day's duty is edited on 值班; one's own password is
changed on 我的账号; staff disable and enable a login on 账号管理.
Screenshots of the main pages are kept as test output (in the test's tmp dir, or in
$GRIDBOT_SCREENSHOTS); with GRIDBOT_UPDATE_DOCS=1 the ticket page is also written to
docs/console.png for the README.

Skipped where Chromium or Playwright is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.cli.simulate import apply_step
from bot.config import Config
from tests.support.console import PASSWORD, open_console

CHROMIUM = Path(os.environ.get("GRIDBOT_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parent.parent


def _browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture
def chromium() -> Path:
    problem = _browser_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI=true: {problem}")
        pytest.skip(problem)
    return CHROMIUM


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GRIDBOT_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _sign_in(page: Any, base: str, login: str, password: str = PASSWORD) -> None:
    await _try_sign_in(page, base, login, password)
    await page.wait_for_url(f"{base}/tickets")


async def _try_sign_in(page: Any, base: str, login: str, password: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", password)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_load_state()


def browser_environment() -> dict[str, str]:
    """The browser is the user's program, not ours: it runs on the real clock even in the
    night pass (libfaketime in LD_PRELOAD makes Chromium's own timers misbehave), while the
    console under test keeps the pinned one."""
    return {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }


async def test_console_in_chromium(
    sample_config: Config, sqlite_url: str, chromium: Path, screens: Path
) -> None:
    from playwright.async_api import async_playwright

    console = await open_console(sample_config, sqlite_url, secure_cookie=True)
    base = str(console.client.make_url("")).rstrip("/")
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--disable-gpu"],
                env=browser_environment(),
            )
            try:
                context = await browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="zh-CN"
                )
                page = await context.new_page()
                await page.goto(f"{base}/tickets")
                assert "/login" in page.url  # not signed in: sent to the login page
                await page.screenshot(path=str(screens / "login.png"))

                # A wrong password says so and keeps the visitor on the form.
                await page.fill("input[name=login]", "liu")
                await page.fill("input[name=password]", "not the password")
                await page.click("form[action='/login'] button[type=submit]")
                assert "账号或密码不正确" in await page.inner_text("main")

                await _sign_in(page, base, "liu")
                text = await page.inner_text("main")
                assert "#1" in text and "#3" in text and "#2" not in text  # g1 only

                # Filter: 类别 楼院设施 leaves only ticket 3.
                await page.select_option("select[name=category]", "building")
                await page.click("form.filters button[type=submit]")
                await page.wait_for_url("**category=building**")
                rows = await page.locator("table.list tbody tr").all_inner_texts()
                assert len(rows) == 1 and "#3" in rows[0]
                await page.goto(f"{base}/tickets")
                await page.screenshot(path=str(screens / "tickets.png"), full_page=True)

                # Open ticket 1, add a note.
                await page.click("a[href='/tickets/1'] >> nth=0")
                await page.wait_for_url(f"{base}/tickets/1")
                await page.fill("textarea[name=text]", "已联系物业，明早到场")
                await page.click("form[action='/tickets/1/note'] button")
                await page.wait_for_url(f"{base}/tickets/1#timeline")
                assert "备注：已联系物业，明早到场" in await page.inner_text("#timeline")

                # Transfer it: the residents' group is told, as after 转派 in chat.
                async with console.db.transaction() as session:
                    from storage.models import TicketRow

                    holder = (await session.get(TicketRow, 1)).assignee_id  # type: ignore[union-attr]
                target = "wx-zhao" if holder != "wx-zhao" else "wx-wang"
                sent_before = len(console.sent())
                await page.select_option("select[name=to]", target)
                await page.click("form[action='/tickets/1/transfer'] button")
                await page.wait_for_url(f"{base}/tickets/1")
                told = console.sent()[sent_before:]
                name = sample_config.name_of(target)
                assert [m["chat"] for m in told] == ["room-xfl-1"]
                assert "已由刘建国转派" in told[0]["text"]
                assert f"@{name} 请接单（回复“接单 #1”）" in told[0]["text"]
                assert f"转派：{sample_config.name_of(holder)} → {name}" in await page.inner_text(
                    "#timeline"
                )
                await page.screenshot(path=str(screens / "ticket.png"), full_page=True)

                # Another grid's ticket is out of reach, by link or by typing its number.
                response = await page.goto(f"{base}/tickets/2")
                assert response is not None and response.status == 404

                # A POST without the CSRF token (another site's form) is refused.
                refused = await page.request.post(
                    f"{base}/tickets/1/note", form={"text": "伪造的备注"}
                )
                assert refused.status == 403
                await page.goto(f"{base}/tickets/1")
                assert "伪造的备注" not in await page.inner_text("#timeline")

                await page.goto(f"{base}/figures?period=本周")
                assert "响应率" in await page.inner_text("main")
                await page.screenshot(path=str(screens / "figures.png"), full_page=True)
                await page.goto(f"{base}/duty")
                assert "第一网格" in await page.inner_text("main")
                await page.screenshot(path=str(screens / "duty.png"), full_page=True)

                # Edit a shift: on Thursday 赵强 takes 王芳's duty in 第一网格.
                shift = "form[action='/duty/shift']"
                await page.select_option(f"{shift} select[name=grid]", "g1")
                await page.fill(f"{shift} input[name=day]", "2026-11-26")
                await page.select_option(f"{shift} select[name=person]", "wx-zhao")
                await page.select_option(f"{shift} select[name=replaces]", "wx-wang")
                await page.click(f"{shift} button[type=submit]")
                await page.wait_for_url(f"{base}/duty?week=2026-11-23**")
                text = await page.inner_text("main")
                assert "已登记：11月26日第一网格由赵强顶替王芳值班" in text
                row = page.locator("table.duty tbody tr", has_text="第一网格")
                thursday = await row.locator("td").nth(3).inner_text()
                wednesday = await row.locator("td").nth(2).inner_text()
                assert "赵强" in thursday and "王芳" not in thursday
                assert "王芳" in wednesday
                await page.screenshot(path=str(screens / "duty-shift.png"), full_page=True)

                # On a phone's width the list still reads (rows become cards).
                phone = await browser.new_context(
                    viewport={"width": 390, "height": 844}, locale="zh-CN"
                )
                mobile = await phone.new_page()
                await _sign_in(mobile, base, "chen")
                width = await mobile.evaluate("document.documentElement.scrollWidth")
                assert width <= 390
                await mobile.screenshot(path=str(screens / "tickets-phone.png"), full_page=True)
            finally:
                await browser.close()
    finally:
        await console.close()
    for name in ("login", "tickets", "ticket", "figures", "duty", "duty-shift", "tickets-phone"):
        assert (screens / f"{name}.png").stat().st_size > 1000
    if os.environ.get("GRIDBOT_UPDATE_DOCS") == "1":
        shutil.copy(screens / "ticket.png", ROOT / "docs" / "console.png")


async def test_directory_on_a_phone_adds_a_worker_the_bot_routes_to(
    sample_config: Config, sqlite_url: str, chromium: Path, screens: Path
) -> None:
    """A grid leader, on a phone, adds a new worker to their grid on the 名册 page; the next
    report in that grid's group goes to the new worker at once (fewest open tickets: the
    two others hold one each), with no restart. The leader cannot change grids or groups.
    Staff then enter the new worker's leave on the 值班 page."""
    from playwright.async_api import async_playwright

    console = await open_console(sample_config, sqlite_url, secure_cookie=True)
    base = str(console.client.make_url("")).rstrip("/")
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--disable-gpu"],
                env=browser_environment(),
            )
            try:
                phone = await browser.new_context(
                    viewport={"width": 390, "height": 844}, locale="zh-CN"
                )
                page = await phone.new_page()
                await _sign_in(page, base, "liu")  # leader of 第一网格
                await page.click("nav a[href='/directory']")
                await page.wait_for_url(f"{base}/directory")
                text = await page.inner_text("main")
                assert "王芳" in text and "gridbot seen" in text
                assert "添加网格" not in text  # grids and groups: staff only
                await page.click("a[href='/directory/people/new']")
                await page.fill("input[name=id]", "wx-new")
                await page.fill("input[name=name]", "孙晓梅")
                await page.select_option("select[name=grid]", "g1")
                await page.screenshot(path=str(screens / "directory-person-phone.png"))
                await page.click("form[action='/directory/people/new'] button[type=submit]")
                await page.wait_for_url(f"{base}/directory**")
                assert "已添加人员：孙晓梅" in await page.inner_text("main")
                row = await page.locator("#people tr", has_text="孙晓梅").inner_text()
                assert "第一网格" in row and "wx-new" in row
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390
                await page.screenshot(path=str(screens / "directory-phone.png"), full_page=True)
                response = await page.goto(f"{base}/directory/grids/g1")
                assert response is not None and response.status == 403

                # The chat side: the next report in 第一网格's group goes to 孙晓梅.
                sent_before = len(console.sent())
                await apply_step(
                    console.sim,
                    {"chat": "room-xfl-1", "from": "res-gao", "name": "高先生",
                     "text": "2号楼楼道灯坏了，晚上看不见"},
                    90,
                )
                told = [m for m in console.sent()[sent_before:] if m["chat"] == "room-xfl-1"]
                assert any("wx-new" in m["mentions"] for m in told), told
                assert any("孙晓梅" in m["text"] for m in told), told
                async with console.db.transaction() as session:
                    from storage.models import TicketRow

                    newest = await session.get(TicketRow, 4)
                    assert newest is not None and newest.assignee_id == "wx-new"

                # Staff see the change in the audit trail, with who made it.
                desk = await browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="zh-CN"
                )
                staff = await desk.new_page()
                await _sign_in(staff, base, "chen")
                await staff.goto(f"{base}/audit")
                audit = await staff.inner_text("main")
                assert "名册：添加人员" in audit and "刘建国" in audit
                await staff.goto(f"{base}/directory")
                await staff.screenshot(path=str(screens / "directory.png"), full_page=True)

                # The roster on the 值班 page: leave, as 请假 in chat.
                await staff.goto(f"{base}/duty")
                await staff.select_option("form[action='/duty/leave'] select", "wx-new")
                await staff.fill("form[action='/duty/leave'] input[name=first]", "2026-11-25")
                await staff.fill("form[action='/duty/leave'] input[name=last]", "2026-11-26")
                await staff.click("form[action='/duty/leave'] button[type=submit]")
                await staff.wait_for_url(f"{base}/duty?week=2026-11-23**")
                assert "已登记：孙晓梅11月25日至11月26日请假" in await staff.inner_text("main")
                await staff.screenshot(path=str(screens / "duty-edit.png"), full_page=True)
            finally:
                await browser.close()
    finally:
        await console.close()
    for name in ("directory-phone", "directory-person-phone", "directory", "duty-edit"):
        assert (screens / f"{name}.png").stat().st_size > 1000


async def _browser(pw: Any, chromium: Path) -> Any:
    return await pw.chromium.launch(
        executable_path=str(chromium),
        args=["--no-sandbox", "--disable-gpu"],
        env=browser_environment(),
    )


async def test_changing_ones_own_password_in_chromium(
    sample_config: Config, sqlite_url: str, chromium: Path, screens: Path
) -> None:
    """A worker changes their password on 我的账号: a wrong current password is refused in
    one line; after the change the old password no longer opens the console, the new one
    does."""
    from playwright.async_api import async_playwright

    console = await open_console(sample_config, sqlite_url, secure_cookie=True)
    base = str(console.client.make_url("")).rstrip("/")
    new_password = "a new password 77"
    try:
        async with async_playwright() as pw:
            browser = await _browser(pw, chromium)
            try:
                context = await browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="zh-CN"
                )
                page = await context.new_page()
                await _sign_in(page, base, "wang")
                await page.goto(f"{base}/account")
                form = "form[action='/account/password']"
                await page.fill(f"{form} input[name=current]", "not my password")
                await page.fill(f"{form} input[name=new]", new_password)
                await page.fill(f"{form} input[name=again]", new_password)
                await page.click(f"{form} button[type=submit]")
                await page.wait_for_load_state()
                assert await page.locator("p.error").all_inner_texts() == ["当前密码不正确。"]
                await page.screenshot(path=str(screens / "account-refused.png"), full_page=True)

                await page.fill(f"{form} input[name=current]", PASSWORD)
                await page.fill(f"{form} input[name=new]", new_password)
                await page.fill(f"{form} input[name=again]", new_password)
                await page.click(f"{form} button[type=submit]")
                await page.wait_for_url(f"{base}/account?changed=1")
                assert "密码已修改" in await page.inner_text("main")
                await page.screenshot(path=str(screens / "account.png"), full_page=True)

                await page.click("form[action='/logout'] button")
                await page.wait_for_url(f"{base}/login**")
                await _try_sign_in(page, base, "wang", PASSWORD)
                assert "/login" in page.url
                assert "账号或密码不正确" in await page.inner_text("main")
                await _sign_in(page, base, "wang", new_password)
                assert "王芳" in await page.inner_text("body")
            finally:
                await browser.close()
    finally:
        await console.close()
    for name in ("account-refused", "account"):
        assert (screens / f"{name}.png").stat().st_size > 1000


async def test_staff_disable_a_login_and_enable_it_again_in_chromium(
    sample_config: Config, sqlite_url: str, chromium: Path, screens: Path
) -> None:
    """Staff disable 王芳's login on 账号管理: her open page signs her out at its next
    request and her password no longer opens the console; enabled again, it does."""
    from playwright.async_api import async_playwright

    console = await open_console(sample_config, sqlite_url, secure_cookie=True)
    base = str(console.client.make_url("")).rstrip("/")
    try:
        async with async_playwright() as pw:
            browser = await _browser(pw, chromium)
            try:
                size = {"width": 1280, "height": 900}
                worker = await (await browser.new_context(viewport=size, locale="zh-CN")).new_page()
                await _sign_in(worker, base, "wang")
                staff = await (await browser.new_context(viewport=size, locale="zh-CN")).new_page()
                await _sign_in(staff, base, "chen")
                await staff.goto(f"{base}/logins")
                row = staff.locator("table.list tbody tr", has_text="王芳")
                await row.locator("button", has_text="停用").click()
                await staff.wait_for_url(f"{base}/logins")
                assert "已停用" in await row.inner_text()
                await staff.screenshot(path=str(screens / "logins.png"), full_page=True)

                await worker.goto(f"{base}/tickets")
                assert "/login" in worker.url  # signed out at the next request
                await _try_sign_in(worker, base, "wang", PASSWORD)
                assert "/login" in worker.url
                assert "该账号已停用" in await worker.inner_text("main")
                await worker.screenshot(path=str(screens / "login-disabled.png"))

                await row.locator("button", has_text="启用").click()
                await staff.wait_for_url(f"{base}/logins")
                assert "已停用" not in await row.inner_text()
                await _sign_in(worker, base, "wang")

                await staff.goto(f"{base}/audit")
                audit = await staff.inner_text("main")
                assert "停用账号" in audit and "启用账号" in audit and "已停用账号尝试登录" in audit
            finally:
                await browser.close()
    finally:
        await console.close()
    for name in ("logins", "login-disabled"):
        assert (screens / f"{name}.png").stat().st_size > 1000


async def test_a_standing_shift_edited_in_chromium(
    sample_config: Config, sqlite_url: str, chromium: Path, screens: Path
) -> None:
    """Staff add a weekly shift on 值班, then edit who works it: the week table follows."""
    from playwright.async_api import async_playwright

    console = await open_console(sample_config, sqlite_url, secure_cookie=True)
    base = str(console.client.make_url("")).rstrip("/")
    try:
        async with async_playwright() as pw:
            browser = await _browser(pw, chromium)
            try:
                context = await browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="zh-CN"
                )
                page = await context.new_page()
                await _sign_in(page, base, "chen")
                await page.goto(f"{base}/duty")

                async def daytime(column: int) -> str:
                    row = page.locator("table.duty tbody tr", has_text="第一网格")
                    cell = row.locator("td").nth(column).locator("div").first
                    return str(await cell.inner_text())

                # 第一网格 has no shifts: both its workers are on duty all day.
                assert "王芳" in await daytime(2) and "赵强" in await daytime(2)
                await page.click("#shift-add summary")
                add = "#shift-add form"
                await page.select_option(f"{add} select[name=grid]", "g1")
                await page.check(f"{add} input[name=workers][value=wx-zhao]")
                await page.click(f"{add} button[type=submit]")
                await page.wait_for_url(f"{base}/duty?done=**")
                assert "已新增班次" in await page.inner_text("main")
                wednesday = await daytime(2)
                assert "赵强" in wednesday and "王芳" not in wednesday

                # Edit it: 王芳 works the shift instead of 赵强.
                edit = page.locator("#standing details.shift", has_text="第一网格").first
                await edit.locator("summary").click()
                await edit.locator("input[name=workers][value=wx-zhao]").uncheck()
                await edit.locator("input[name=workers][value=wx-wang]").check()
                await edit.locator("input[name=label]").fill("白班")
                await edit.locator("form[action='/duty/shifts'] button[type=submit]").click()
                await page.wait_for_url(f"{base}/duty?done=**")
                text = await page.inner_text("main")
                assert "已修改班次" in text and "白班 工作日 08:30-17:30：王芳" in text
                wednesday = await daytime(2)
                assert "王芳" in wednesday and "赵强" not in wednesday
                await page.screenshot(path=str(screens / "duty-standing.png"), full_page=True)
            finally:
                await browser.close()
    finally:
        await console.close()
    assert (screens / "duty-standing.png").stat().st_size > 1000
