import { defineProblems } from '../common/errors/domain-error.js';

export const NoticeProblems = defineProblems({
  notFound: {
    code: 'notice.not_found',
    status: 404,
    title: { fr: 'Avis introuvable.', en: 'Notice not found.' },
  },
  notHolder: {
    code: 'notice.not_holder',
    status: 403,
    title: {
      fr: "Seul le responsable de la protection des renseignements de l'organisme détenteur décide d'un avis.",
      en: "Only the holder agency's privacy officer decides a notice.",
    },
  },
  notHeld: {
    code: 'notice.not_held',
    status: 409,
    title: {
      fr: "Cet avis n'est plus retenu : il a déjà été autorisé, retenu pour la sécurité ou envoyé.",
      en: 'This notice is no longer held: it was already cleared, withheld for safety or sent.',
    },
  },
  notCleared: {
    code: 'notice.not_cleared',
    status: 409,
    title: {
      fr: "Un avis ne part jamais sans autorisation : il doit d'abord être autorisé à l'envoi.",
      en: 'A notice is never sent without clearance: it must be cleared to send first.',
    },
  },
});
