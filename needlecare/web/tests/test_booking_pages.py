import pytest
pytestmark = pytest.mark.django_db

def test_smoke(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    client.force_login(p.patient.user)
    for url in ["/book/online/", "/book/online/?clinic=stoughton", "/book/online/?clinic=stoughton&type=dry-needling",
                f"/book/online/?clinic=stoughton&type=dry-needling&therapist=any&week={schedule.day}&regions=neck", "/me/appointments/"]:
        r = client.get(url)
        print(url, r.status_code)
        open("/tmp/smoke/" + str(abs(hash(url))) + ".html", "wb").write(r.content)
        assert r.status_code == 200, r.content.decode()[:3000]
    days = r.context
