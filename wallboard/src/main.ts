import { createApp } from 'vue';
import App from './app.vue';
import { onSessionLost } from './api/app-api';
import { clearSession, currentUser } from './auth/session';
import { setLocale, locale } from './i18n/use-i18n';
import { installKiosk } from './kiosk/kiosk';
import { resetNetwork } from './network/use-network';
import { closeLiveSocket } from './realtime/live-socket';
import { createAppRouter } from './router';
import './styles/wallboard.css';

const router = createAppRouter();
setLocale(locale.value);
installKiosk(router, currentUser);

onSessionLost(() => {
  clearSession();
  resetNetwork();
  closeLiveSocket();
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.replace({ name: 'login', query: { next: here.fullPath, expired: '1' } });
});

createApp(App).use(router).mount('#app');
